"""The desk's statistics (DOMAIN §4, "Early / on time / late"): each figure is one condition on
the dossiers of a deciding agency, defined once here. ``statistics`` counts every figure in one
grouped query; ``figure_dossiers`` lists the dossiers behind one figure with the same
condition, so the number on the page, the XLSX download and the list it links to cannot
drift apart. ``period`` reads the period of the statistics and the register (a reversed one
is refused, not swapped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from congso.calendar.services import MAX_YEAR, MIN_YEAR
from congso.org.models import Unit

from . import deadlines
from .models import (
    Apology,
    Attachment,
    Channel,
    Dossier,
    Satisfaction,
    Supplement,
    SyncJob,
    Timeliness,
)
from .sync import NEW_SERVICE
from .workflow import Status


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise  # the full name (list title, XLSX column, the phone layout's cell label)
    heading: Promise  # the column heading under its group on the page
    group: Promise | None = None


FIGURES = [
    Figure("backlog", _("Tồn kỳ trước"), _("Tồn kỳ trước")),
    Figure("received_counter", _("Tiếp nhận trực tiếp"), _("trực tiếp"), _("Tiếp nhận trong kỳ")),
    Figure("received_online", _("Tiếp nhận trực tuyến"), _("trực tuyến"), _("Tiếp nhận trong kỳ")),
    Figure("received_post", _("Tiếp nhận qua bưu chính"), _("bưu chính"), _("Tiếp nhận trong kỳ")),
    Figure("to_handle", _("Phải giải quyết"), _("Phải giải quyết")),
    Figure("finished_early", _("Đã giải quyết trước hạn"), _("trước hạn"), _("Đã giải quyết")),
    Figure("finished_on_time", _("Đã giải quyết đúng hạn"), _("đúng hạn"), _("Đã giải quyết")),
    Figure("finished_late", _("Đã giải quyết quá hạn"), _("quá hạn"), _("Đã giải quyết")),
    # The applicant withdrew: the agency gave no result, so the dossier is neither early, on
    # time nor late (docs/dossiers.md, "Withdrawn dossiers"; ADR 0062). It leaves the period's
    # work here, so that to handle = finished + withdrawn + in progress at the end.
    Figure("withdrawn", _("Công dân rút hồ sơ"), _("Rút hồ sơ")),
    Figure("progress_late", _("Đang giải quyết quá hạn"), _("quá hạn"), _("Đang giải quyết")),
    Figure(
        "progress_soon", _("Đang giải quyết, sắp đến hạn"), _("sắp đến hạn"), _("Đang giải quyết")
    ),
    Figure(
        "progress_not_due",
        _("Đang giải quyết, chưa đến hạn"),
        _("chưa đến hạn"),
        _("Đang giải quyết"),
    ),
]
# Counted but not a column of their own (sums of columns); each has its list too.
EXTRA_FIGURES = [
    Figure("received", _("Tiếp nhận trong kỳ"), _("Tiếp nhận")),
    Figure("finished", _("Đã giải quyết trong kỳ"), _("Đã giải quyết")),
    Figure("in_progress", _("Đang giải quyết cuối kỳ"), _("Đang giải quyết")),
]
# Figures of the leaders' dashboard and of the QĐ 766 index (issue 17, congso.dashboard): more
# conditions on the same accepted dossiers; ``statistics`` does not count them (the dashboard
# does, with ``more_conditions``), ``figure_dossiers`` lists them like the others.
DASHBOARD_FIGURES = [
    Figure("late", _("Quá hạn (đã giải quyết quá hạn và đang quá hạn)"), _("Quá hạn")),
    Figure("returned", _("Đã trả kết quả trong kỳ"), _("Đã trả kết quả")),
    Figure("supplemented", _("Yêu cầu bổ sung trong kỳ"), _("Yêu cầu bổ sung")),
    Figure("refused", _("Từ chối giải quyết trong kỳ"), _("Từ chối")),
    Figure("apologised", _("Có thư xin lỗi trong kỳ"), _("Xin lỗi")),
    Figure("paid_online", _("Thanh toán trực tuyến (hồ sơ tiếp nhận trong kỳ)"), _("Thanh toán")),
    Figure("rated", _("Được đánh giá (hồ sơ giải quyết trong kỳ)"), _("Đánh giá")),
    Figure("unsatisfied", _("Không hài lòng (hồ sơ giải quyết trong kỳ)"), _("Không hài lòng")),
    Figure("synced", _("Đã đồng bộ lên Cổng DVC quốc gia"), _("Đã đồng bộ")),
    Figure("not_synced", _("Chưa đồng bộ lên Cổng DVC quốc gia"), _("Chưa đồng bộ")),
    Figure("online_offered", _("Hồ sơ của TTHC có cung cấp trực tuyến"), _("TTHC trực tuyến")),
    Figure(
        "offline_of_online",
        _("Hồ sơ của TTHC trực tuyến nhưng không nộp trực tuyến"),
        _("Không nộp trực tuyến"),
    ),
    Figure("fee", _("Hồ sơ có phí, lệ phí"), _("Có phí")),
    Figure(
        "fee_not_paid_online",
        _("Hồ sơ có phí, lệ phí không thanh toán trực tuyến"),
        _("Không thanh toán trực tuyến"),
    ),
    Figure(
        "unsatisfied_or_late",
        _("Hồ sơ không hài lòng hoặc quá hạn (giải quyết trong kỳ)"),
        _("Không hài lòng, quá hạn"),
    ),
    Figure("e_result", _("Có kết quả điện tử"), _("Kết quả điện tử")),
    Figure("no_e_result", _("Không có kết quả điện tử"), _("Không có kết quả điện tử")),
    Figure("digitised", _("Được số hóa thành phần hồ sơ"), _("Đã số hóa")),
    Figure("not_digitised", _("Chưa số hóa thành phần hồ sơ"), _("Chưa số hóa")),
]
FIGURE_BY_KEY = {f.key: f for f in (*FIGURES, *EXTRA_FIGURES, *DASHBOARD_FIGURES)}
RATE_LABELS = (_("Tỷ lệ trễ hạn"), _("Tỷ lệ đúng hạn"))
STAT_KEYS = [
    "received",
    "received_counter",
    "received_online",
    "received_post",
    "backlog",
    "to_handle",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "in_progress",
    "progress_late",
    "progress_soon",
    "progress_not_due",
]


@dataclass(frozen=True)
class Window:
    """The period [start, end) and the moments the 'late' and 'nearly late' figures are judged
    at: ``ref`` = the end of the period, or now while it lasts; ``soon`` = one working day
    after ``ref``."""

    start: dt.datetime
    end: dt.datetime
    ref: dt.datetime
    soon: dt.datetime


def window(
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    soon: dt.datetime | None = None,
    calendar_unit: Unit | None = None,
) -> Window:
    ref = min(end, now or timezone.now())
    if soon is None:
        soon = (
            deadlines.one_working_day_from(calendar_unit, ref)
            if calendar_unit is not None
            else ref + dt.timedelta(days=1)
        )
    return Window(start, end, ref, soon)


def conditions(w: Window) -> dict[str, Q]:
    """Each figure's condition on an accepted dossier of the agency (DOMAIN §4)."""
    in_period = Q(received_at__gte=w.start, received_at__lt=w.end)
    backlog = Q(received_at__lt=w.start) & (
        Q(finished_at__isnull=True) | Q(finished_at__gte=w.start)
    )
    ended = Q(finished_at__gte=w.start, finished_at__lt=w.end)
    withdrawn = Q(status=Status.WITHDRAWN)
    finished = ended & ~withdrawn
    open_at_end = Q(received_at__lt=w.end) & (
        Q(finished_at__isnull=True) | Q(finished_at__gte=w.end)
    )
    return {
        "received": in_period,
        "received_counter": in_period & Q(channel=Channel.COUNTER),
        "received_online": in_period & Q(channel=Channel.ONLINE),
        "received_post": in_period & Q(channel=Channel.POST),
        "backlog": backlog,
        "to_handle": in_period | backlog,
        "finished": finished,
        "finished_early": finished & Q(timeliness=Timeliness.EARLY),
        "finished_on_time": finished & Q(timeliness=Timeliness.ON_TIME),
        "finished_late": finished & Q(timeliness=Timeliness.LATE),
        "withdrawn": ended & withdrawn,
        "in_progress": open_at_end,
        "progress_late": open_at_end & Q(due_at__lt=w.ref),
        "progress_soon": open_at_end & Q(due_at__gte=w.ref, due_at__lt=w.soon),
        "progress_not_due": open_at_end & Q(due_at__gte=w.soon),
    }


def more_conditions(w: Window) -> dict[str, Q]:
    """The conditions of DASHBOARD_FIGURES: on dossiers received in the period (channel, fee,
    payment, sync, digitised papers) or finished in it (result, rating, refusal)."""
    from congso.eservices.models import ElectronicResult, Payment, PaymentStatus  # builds on us

    base = conditions(w)
    received, finished = base["received"], base["finished"]
    mine = OuterRef("pk")
    paid = Q(Exists(Payment.objects.filter(dossier=mine, status=PaymentStatus.PAID)))
    synced = Q(
        Exists(SyncJob.objects.filter(dossier=mine, service=NEW_SERVICE, state=SyncJob.State.SENT))
    )
    e_result = Q(Exists(ElectronicResult.objects.filter(dossier=mine)))
    digitised = Q(Exists(Attachment.objects.filter(dossier=mine)))
    unsatisfied = Q(rating__level=Satisfaction.UNSATISFIED)
    offered = Q(procedure_version__online_level__in=["partial", "full"])
    fee = Q(fee_total__gt=0)
    return {
        "late": base["finished_late"] | base["progress_late"],
        "returned": Q(returned_at__gte=w.start, returned_at__lt=w.end),
        "supplemented": Q(
            Exists(
                Supplement.objects.filter(
                    dossier=mine, requested_at__gte=w.start, requested_at__lt=w.end
                )
            )
        ),
        "refused": finished & Q(status=Status.REFUSED),
        "apologised": Q(
            Exists(
                Apology.objects.filter(dossier=mine, issued_at__gte=w.start, issued_at__lt=w.end)
            )
        ),
        "paid_online": received & paid,
        "rated": finished & Q(rating__isnull=False),
        "unsatisfied": finished & unsatisfied,
        "synced": received & synced,
        "not_synced": received & ~synced,
        "online_offered": received & offered,
        "offline_of_online": received & offered & ~Q(channel=Channel.ONLINE),
        "fee": received & fee,
        "fee_not_paid_online": received & fee & ~paid,
        "unsatisfied_or_late": finished & (unsatisfied | Q(timeliness=Timeliness.LATE)),
        "e_result": finished & e_result,
        "no_e_result": finished & ~e_result,
        "digitised": received & digitised,
        "not_digitised": received & ~digitised,
    }


def _counted(agencies: QuerySet[Unit] | list[Unit]) -> QuerySet[Dossier]:
    return Dossier.objects.filter(received_at__isnull=False, processing_agency__in=agencies)


def statistics(
    agencies: QuerySet[Unit] | list[Unit],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    soon: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Figures of DOMAIN §4 per deciding agency for the period [start, end), in one grouped
    query with conditional counts (no loop over dossiers)."""
    cond = conditions(window(start, end, now, soon))
    rows = (
        _counted(agencies)
        .filter(cond["to_handle"])  # every figure is within it, or open at the end
        .values("processing_agency", "processing_agency__name")
        .annotate(**{key: Count("pk", filter=cond[key]) for key in STAT_KEYS if key != "to_handle"})
        .order_by("processing_agency__name")
    )
    out = []
    for row in rows:
        values: dict[str, Any] = dict(row)
        item = {
            "unit_id": values["processing_agency"],
            "unit": values["processing_agency__name"],
            **{k: values[k] for k in STAT_KEYS if k in values},
        }
        out.append(_rates(item))
    return out


def _rates(item: dict[str, Any]) -> dict[str, Any]:
    item["to_handle"] = item["received"] + item["backlog"]
    late = item["progress_late"] + item["finished_late"]
    item["late_rate"] = round(100 * late / item["to_handle"], 1) if item["to_handle"] else 0.0
    item["on_time_rate"] = round(100 - item["late_rate"], 1) if item["to_handle"] else 0.0
    return item


def statistics_total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {"unit_id": None, "unit": str(_("Tổng cộng"))}
    for key in STAT_KEYS:
        total[key] = sum(r[key] for r in rows)
    return _rates(total)


def figure_dossiers(
    visible: QuerySet[Dossier], agencies: QuerySet[Unit] | list[Unit], key: str, w: Window
) -> QuerySet[Dossier]:
    """The dossiers behind one figure, by the condition ``statistics`` counts with, among
    ``visible`` (the caller's scoped dossiers), in order of receipt."""
    return (
        visible.filter(received_at__isnull=False, processing_agency__in=agencies)
        .filter({**conditions(w), **more_conditions(w)}[key])
        .select_related("procedure_version", "handling_unit", "processing_agency")
        .order_by("received_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# The period (?tu=&den=, YYYY-MM-DD) of the statistics and the register


def _day(value: str, what: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(
            _g("%(what)s không hợp lệ: “%(value)s” (nhập theo dạng năm-tháng-ngày).")
            % {"what": what, "value": value[:40]}
        )
    return day


def period(params: Mapping[str, Any], today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """[from, to] in days; default this month up to today. A reversed period (from after to)
    is refused with a Vietnamese message — swapping it silently answered another question.
    The working calendar knows MIN_YEAR..MAX_YEAR only (year 1 or 9999 would overflow it,
    issue #11): a period beyond them is cut to them."""
    today = today or timezone.localdate()
    start = _day(params.get("tu") or "", _g("Ngày bắt đầu")) or today.replace(day=1)
    end = _day(params.get("den") or "", _g("Ngày kết thúc")) or today
    if end < start:
        raise ValidationError(
            _g(
                "Ngày bắt đầu (%(start)s) sau ngày kết thúc (%(end)s). Hãy chọn lại kỳ thống kê:"
                " “Từ ngày” phải trước hoặc bằng “Đến ngày”."
            )
            % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
        )
    first, last = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 30)
    return min(max(start, first), last), min(max(end, first), last)
