"""The raw counters of the QĐ 766 index, what each one counts and where it comes from.

``COMPUTED`` counters are counted from CongSo's own dossiers and catalogue, with the figure
conditions of ``congso.dossiers.stats`` (one definition per figure: the number here, on the
dashboard and in the list behind it cannot drift apart). ``FEEDBACK`` counters come from the
PAKN module (``congso.feedback.stats``) when it is installed; until then, or for PAKN handled
outside CongSo, an administrator may enter them. ``ENTERED`` counters are facts CongSo cannot
know (the national database's publication dates, the portal's payment configuration, the
population database's use): only an administrator enters them, with their source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congso.dossiers import stats
from congso.dossiers.models import Channel, Dossier
from congso.org.models import Unit
from congso.procedures.models import Fee, OnlineLevel, ProcedureVersion, UnitProcedure

from .periods import Period

COMPUTED = "computed"
FEEDBACK = "feedback"
ENTERED = "entered"


@dataclass(frozen=True)
class Counter:
    key: str
    label: Promise
    origin: str
    national: str = ""  # the field of the national reporting it matches, where there is one


COUNTERS = [
    # Dossiers of the deciding agency (stats.conditions / stats.more_conditions).
    Counter("received", _("Hồ sơ tiếp nhận trong kỳ"), COMPUTED, "TiepNhan"),
    Counter("finished", _("Hồ sơ đã giải quyết trong kỳ"), COMPUTED, "DaGiaiQuyet"),
    Counter("finished_early", _("Đã giải quyết trước hạn"), COMPUTED, "TruocHan"),
    Counter("finished_on_time", _("Đã giải quyết đúng hạn"), COMPUTED, "DungHan"),
    Counter("finished_late", _("Đã giải quyết quá hạn"), COMPUTED, "TreHan"),
    Counter("progress_late", _("Đang giải quyết quá hạn cuối kỳ"), COMPUTED, "DangXuLyTreHan"),
    Counter("synced", _("Hồ sơ đã đồng bộ lên Cổng DVC quốc gia"), COMPUTED),
    Counter("received_online_offered", _("Hồ sơ của TTHC có cung cấp trực tuyến"), COMPUTED),
    Counter(
        "received_online_offered_online",
        _("Hồ sơ nộp trực tuyến của TTHC có cung cấp trực tuyến"),
        COMPUTED,
        "TrucTuyen",
    ),
    Counter("fee_dossiers", _("Hồ sơ có phí, lệ phí"), COMPUTED),
    Counter("fee_dossiers_paid_online", _("Hồ sơ có phí đã thanh toán trực tuyến"), COMPUTED),
    Counter("finished_unsatisfied", _("Hồ sơ đánh giá không hài lòng"), COMPUTED),
    Counter("finished_e_result", _("Hồ sơ có kết quả điện tử"), COMPUTED),
    Counter("received_digitised", _("Hồ sơ được số hóa thành phần"), COMPUTED),
    # Procedures (the catalogue at the period's last day, and the period's dossiers).
    Counter("procedures", _("TTHC của đơn vị"), COMPUTED),
    Counter("procedures_online", _("TTHC cung cấp trực tuyến (một phần, toàn trình)"), COMPUTED),
    Counter("procedures_online_used", _("TTHC trực tuyến có hồ sơ nộp trực tuyến"), COMPUTED),
    Counter("procedures_with_fee", _("TTHC có phí, lệ phí"), COMPUTED),
    Counter("procedures_paid_online", _("TTHC có phát sinh thanh toán trực tuyến"), COMPUTED),
    # PAKN (congso.feedback).
    Counter("pakn_due", _("PAKN đến hạn trả lời trong kỳ"), FEEDBACK),
    Counter("pakn_answered_on_time", _("PAKN trả lời đúng hạn"), FEEDBACK),
    Counter("pakn_rated", _("PAKN được đánh giá"), FEEDBACK),
    Counter("pakn_satisfied", _("PAKN được đánh giá hài lòng"), FEEDBACK),
    Counter("finished_complained", _("Hồ sơ bị phản ánh, kiến nghị"), FEEDBACK),
    # What CongSo cannot know: entered with a source.
    Counter("procedures_published", _("Quyết định công bố TTHC phải ban hành"), ENTERED),
    Counter("procedures_published_on_time", _("Quyết định công bố TTHC đúng hạn"), ENTERED),
    Counter("procedures_updated", _("TTHC phải cập nhật lên CSDL quốc gia"), ENTERED),
    Counter("procedures_updated_on_time", _("TTHC cập nhật đúng hạn"), ENTERED),
    Counter("procedures_disclosed", _("TTHC phải công khai"), ENTERED),
    Counter("procedures_disclosed_full", _("TTHC công khai đầy đủ"), ENTERED),
    Counter(
        "procedures_fee_online_configured",
        _("TTHC có phí đã cấu hình thanh toán trực tuyến"),
        ENTERED,
    ),
    Counter("certification_requests", _("Yêu cầu cấp bản sao, chứng thực"), ENTERED),
    Counter("e_certified_copies", _("Bản sao điện tử, chứng thực điện tử đã cấp"), ENTERED),
    Counter("dossiers_reusing_data", _("Hồ sơ tái sử dụng dữ liệu số hóa"), ENTERED),
    Counter("results_shared", _("Kết quả số hóa được chia sẻ"), ENTERED),
    Counter("dossiers_population_db", _("Hồ sơ khai thác CSDL quốc gia về dân cư"), ENTERED),
    Counter("procedures_population_db", _("TTHC kết nối CSDL quốc gia về dân cư"), ENTERED),
]
COUNTER_BY_KEY = {c.key: c for c in COUNTERS}
COMPUTED_KEYS = [c.key for c in COUNTERS if c.origin == COMPUTED]
# The counters an administrator may enter (never one CongSo counts itself).
ENTERABLE_KEYS = [c.key for c in COUNTERS if c.origin != COMPUTED]

# Dossier counters: counter key -> figure of congso.dossiers.stats.
DOSSIER_FIGURES = {
    "received": "received",
    "finished": "finished",
    "finished_early": "finished_early",
    "finished_on_time": "finished_on_time",
    "finished_late": "finished_late",
    "progress_late": "progress_late",
    "synced": "synced",
    "received_online_offered": "online_offered",
    "fee_dossiers": "fee",
    "fee_dossiers_paid_online": "paid_online",
    "finished_unsatisfied": "unsatisfied",
    "finished_e_result": "e_result",
    "received_digitised": "digitised",
}


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def window(period: Period, now: dt.datetime | None = None) -> stats.Window:
    return stats.window(aware(period.start), aware(period.end), now=now)


def compute(
    agencies: Iterable[Unit], period: Period, now: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    """The COMPUTED counters of each agency for the period, counted now from the dossiers and
    the catalogue: three grouped queries, whatever the number of dossiers or agencies."""
    ids = [a.pk for a in agencies]
    w = window(period, now)
    cond = {**stats.conditions(w), **stats.more_conditions(w)}
    online_online = cond["online_offered"] & Q(channel=Channel.ONLINE)
    annotations: dict[str, Any] = {
        key: Count("pk", filter=cond[figure]) for key, figure in DOSSIER_FIGURES.items()
    }
    annotations["received_online_offered_online"] = Count("pk", filter=online_online)
    annotations["procedures_online_used"] = Count(
        "procedure_version__procedure", filter=online_online, distinct=True
    )
    annotations["procedures_paid_online"] = Count(
        "procedure_version__procedure", filter=cond["paid_online"], distinct=True
    )
    out: dict[int, dict[str, int]] = {pk: dict.fromkeys(COMPUTED_KEYS, 0) for pk in ids}
    rows = (
        Dossier.objects.filter(received_at__isnull=False, processing_agency_id__in=ids)
        .filter(cond["to_handle"] | cond["in_progress"])
        .values("processing_agency_id")
        .annotate(**annotations)
        .order_by()
    )
    for row in rows:
        values: dict[str, Any] = dict(row)
        agency = values.pop("processing_agency_id")
        out[agency].update(values)
    for agency, values in _catalogue(ids, period.last_day).items():
        out[agency].update(values)
    return out


def _catalogue(ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Procedures each agency offers on ``day`` (its own offer rows), online and with a fee by
    their version in force that day."""
    in_force = ProcedureVersion.objects.filter(
        procedure=OuterRef("procedure_id"), is_published=True, valid_from__lte=day
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    online = in_force.filter(online_level__in=[OnlineLevel.PARTIAL, OnlineLevel.FULL])
    with_fee = in_force.filter(
        Exists(Fee.objects.filter(version=OuterRef("pk"), amount__gt=0)),
    )
    rows = (
        UnitProcedure.objects.filter(unit_id__in=ids, is_active=True)
        .filter(Exists(in_force))
        .values("unit_id")
        .annotate(
            procedures=Count("pk"),
            procedures_online=Count("pk", filter=Q(Exists(online))),
            procedures_with_fee=Count("pk", filter=Q(Exists(with_fee))),
        )
        .order_by()
    )
    return {
        r["unit_id"]: {k: r[k] for k in ("procedures", "procedures_online", "procedures_with_fee")}
        for r in rows
    }


def feedback(agencies: Iterable[Unit], period: Period) -> dict[int, dict[str, int]] | None:
    """The FEEDBACK counters from congso.feedback.stats, or None while that module is not
    installed (the PAKN inputs are then missing, never 0)."""
    try:
        module = import_module("congso.feedback.stats")
    except ModuleNotFoundError as exc:
        if exc.name not in ("congso.feedback", "congso.feedback.stats"):
            raise
        return None
    pakn_stats = getattr(module, "pakn_stats", None)
    if pakn_stats is None:
        return None
    out: dict[int, dict[str, int]] = {}
    for agency in agencies:
        # Cases received by the agency itself (its agencies below are added by the caller).
        st = pakn_stats(unit=agency, start=period.start, end=period.last_day, below=False)
        out[agency.pk] = {
            "pakn_due": st.judged,
            "pakn_answered_on_time": st.answered_on_time,
            "pakn_rated": st.answered,  # unrated counts as not unsatisfied (feedback's rule)
            "pakn_satisfied": st.answered - st.unsatisfied,
        }
    return out
