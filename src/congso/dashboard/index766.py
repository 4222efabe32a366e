"""The service-quality index of QĐ 766/QĐ-TTg (23/06/2022) as data (DOMAIN §8, issue 17).

Six groups, 100 points. Every sub-indicator is one ``Rate``: the points are
``min(maximum, maximum × (numerator / denominator) / full_at)``, where numerator and
denominator are sums and differences of raw counters (``counters.COUNTERS``: what the national
reporting counts, stored per agency and period). Nothing here touches the database, so the
formulas are tested on known inputs and the page, the API and the exports read one table.

Missing is not 0: a sub-indicator whose inputs are not all known, or whose denominator is 0
(nothing to judge), has no value (``None``), unless its rule gives full points when there was
nothing to judge (PAKN: 6 when there was no PAKN). A group adds the values it has and says how
much of its maximum it could judge; a group with no value at all is missing. The formulas are
the starting point of the issue, taken from public descriptions of the decision and the
national portal's published figures; docs/dashboard.md lists them with their sources, and the
national portal's own score stays authoritative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A sum of counters: (+1 | -1, counter key) terms.
Terms = tuple[tuple[int, str], ...]


def plus(*keys: str) -> Terms:
    return tuple((1, k) for k in keys)


def minus(first: str, *keys: str) -> Terms:
    """``first`` less each of ``keys``."""
    return ((1, first), *((-1, k) for k in keys))


EMPTY_MISSING = "missing"  # nothing to judge: no value
EMPTY_FULL = "full"  # nothing to judge: full points (PAKN, QĐ 766: no PAKN = no complaint)


@dataclass(frozen=True)
class Rate:
    numerator: Terms
    denominator: Terms
    full_at: Decimal = Decimal(1)  # the share that already earns the maximum
    when_empty: str = EMPTY_MISSING

    def counter_keys(self) -> list[str]:
        seen: list[str] = []
        for _sign, key in (*self.numerator, *self.denominator):
            if key not in seen:
                seen.append(key)
        return seen


@dataclass(frozen=True)
class SubIndicator:
    key: str
    group: str
    label: Promise
    maximum: Decimal
    rate: Rate
    # The dossier list (dashboard figure key) that lost this sub-indicator's points, if any.
    lost: str = ""
    source: Promise | str = ""

    @property
    def formula_name(self) -> str:
        """The formula as the national method writes it: ``min(2, 2 × A / 0.8)``."""
        m = _num(self.maximum)
        if self.rate.full_at == 1:
            return f"{m} × A"
        return f"min({m}, {m} × A / {_num(self.rate.full_at)})"

    @property
    def share_text(self) -> str:
        """What A is, in counter keys: ``(finished_early + finished_on_time) / (…)``."""
        return f"{_terms(self.rate.numerator)} / {_terms(self.rate.denominator)}"


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise
    maximum: Decimal


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _terms(terms: Terms) -> str:
    out = ""
    for sign, key in terms:
        out += (" − " if sign < 0 else " + ") + key if out else key
    return f"({out})" if len(terms) > 1 else out


D = Decimal
GROUPS = [
    Group("disclosure", _("Công khai, minh bạch"), D(18)),
    Group("progress", _("Tiến độ giải quyết"), D(20)),
    Group("online", _("Dịch vụ công trực tuyến"), D(12)),
    Group("payment", _("Thanh toán trực tuyến"), D(10)),
    Group("satisfaction", _("Mức độ hài lòng"), D(18)),
    Group("digitisation", _("Số hóa hồ sơ"), D(22)),
]
GROUP_BY_KEY = {g.key: g for g in GROUPS}
QD766 = _("QĐ 766/QĐ-TTg, Phụ lục (Bộ chỉ số)")

SUB_INDICATORS = [
    # 1. Công khai, minh bạch (18)
    SubIndicator(
        "disclosure_published_on_time",
        "disclosure",
        _("Công bố TTHC đúng hạn"),
        D(6),
        Rate(plus("procedures_published_on_time"), plus("procedures_published")),
        source=QD766,
    ),
    SubIndicator(
        "disclosure_updated_on_time",
        "disclosure",
        _("Cập nhật, công khai TTHC đúng hạn trên Cơ sở dữ liệu quốc gia"),
        D(4),
        Rate(plus("procedures_updated_on_time"), plus("procedures_updated")),
        source=QD766,
    ),
    SubIndicator(
        "disclosure_full",
        "disclosure",
        _("Công khai đầy đủ TTHC"),
        D(2),
        Rate(plus("procedures_disclosed_full"), plus("procedures_disclosed")),
        source=QD766,
    ),
    SubIndicator(
        "disclosure_synced",
        "disclosure",
        _("Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
        D(6),
        Rate(plus("synced"), plus("received")),
        lost="not_synced",
        source=QD766,
    ),
    # 2. Tiến độ giải quyết (20)
    SubIndicator(
        "progress_on_time",
        "progress",
        _("Hồ sơ giải quyết trước hạn, đúng hạn"),
        D(20),
        Rate(
            plus("finished_early", "finished_on_time"),
            plus("finished_early", "finished_on_time", "finished_late", "progress_late"),
        ),
        lost="late",
        source=QD766,
    ),
    # 3. Dịch vụ công trực tuyến (12)
    SubIndicator(
        "online_offered",
        "online",
        _("TTHC cung cấp dịch vụ công trực tuyến (một phần, toàn trình)"),
        D(2),
        Rate(plus("procedures_online"), plus("procedures"), full_at=D("0.8")),
        source=QD766,
    ),
    SubIndicator(
        "online_used",
        "online",
        _("TTHC trực tuyến có phát sinh hồ sơ trực tuyến"),
        D(4),
        Rate(plus("procedures_online_used"), plus("procedures_online")),
        source=QD766,
    ),
    SubIndicator(
        "online_share",
        "online",
        _("Hồ sơ nộp trực tuyến trên hồ sơ của TTHC có cung cấp trực tuyến"),
        D(6),
        Rate(plus("received_online_offered_online"), plus("received_online_offered"), D("0.5")),
        lost="offline_of_online",
        source=QD766,
    ),
    # 4. Thanh toán trực tuyến (10)
    SubIndicator(
        "payment_dossiers",
        "payment",
        _("Hồ sơ thanh toán trực tuyến trên hồ sơ có phí, lệ phí"),
        D(6),
        Rate(plus("fee_dossiers_paid_online"), plus("fee_dossiers")),
        lost="fee_not_paid_online",
        source=QD766,
    ),
    SubIndicator(
        "payment_procedures",
        "payment",
        _("TTHC có phát sinh thanh toán trực tuyến"),
        D(2),
        Rate(plus("procedures_paid_online"), plus("procedures_with_fee"), full_at=D("0.8")),
        source=QD766,
    ),
    SubIndicator(
        "payment_configured",
        "payment",
        _("TTHC có phí đã cấu hình thanh toán trực tuyến"),
        D("2.5"),
        Rate(plus("procedures_fee_online_configured"), plus("procedures_with_fee")),
        source=QD766,
    ),
    # 5. Mức độ hài lòng (18)
    SubIndicator(
        "satisfaction_pakn_on_time",
        "satisfaction",
        _("PAKN được trả lời đúng hạn"),
        D(6),
        Rate(plus("pakn_answered_on_time"), plus("pakn_due"), when_empty=EMPTY_FULL),
        source=QD766,
    ),
    SubIndicator(
        "satisfaction_pakn",
        "satisfaction",
        _("Hài lòng với việc tiếp nhận, xử lý PAKN"),
        D(6),
        Rate(plus("pakn_satisfied"), plus("pakn_rated"), when_empty=EMPTY_FULL),
        source=QD766,
    ),
    SubIndicator(
        "satisfaction_tthc",
        "satisfaction",
        _("Hài lòng trong giải quyết TTHC"),
        D(6),
        # DOMAIN §8: (dossiers − unsatisfied − complained − late) / dossiers, full at 90 %.
        Rate(
            minus("finished", "finished_unsatisfied", "finished_complained", "finished_late"),
            plus("finished"),
            full_at=D("0.9"),
        ),
        lost="unsatisfied_or_late",
        source=QD766,
    ),
    # 6. Số hóa hồ sơ (22)
    SubIndicator(
        "digitisation_e_results",
        "digitisation",
        _("Hồ sơ có kết quả giải quyết điện tử"),
        D(6),
        Rate(plus("finished_e_result"), plus("finished")),
        lost="no_e_result",
        source=QD766,
    ),
    SubIndicator(
        "digitisation_components",
        "digitisation",
        _("Hồ sơ được số hóa thành phần hồ sơ"),
        D(4),
        Rate(plus("received_digitised"), plus("received")),
        lost="not_digitised",
        source=QD766,
    ),
    SubIndicator(
        "digitisation_certified_copies",
        "digitisation",
        _("Cấp bản sao điện tử từ sổ gốc, chứng thực điện tử"),
        D(2),
        Rate(plus("e_certified_copies"), plus("certification_requests")),
        source=QD766,
    ),
    SubIndicator(
        "digitisation_reuse",
        "digitisation",
        _("Tái sử dụng dữ liệu số hóa"),
        D(2),
        Rate(plus("dossiers_reusing_data"), plus("received"), full_at=D("0.8")),
        source=QD766,
    ),
    SubIndicator(
        "digitisation_sharing",
        "digitisation",
        _("Kết quả số hóa được chia sẻ để tái sử dụng"),
        D(4),
        Rate(plus("results_shared"), plus("finished")),
        source=QD766,
    ),
    SubIndicator(
        "digitisation_population_db",
        "digitisation",
        _("Khai thác Cơ sở dữ liệu quốc gia về dân cư"),
        D(2),
        Rate(plus("dossiers_population_db"), plus("received")),
        source=QD766,
    ),
    SubIndicator(
        "digitisation_population_procedures",
        "digitisation",
        _("TTHC kết nối, khai thác Cơ sở dữ liệu quốc gia về dân cư"),
        D(2),
        Rate(plus("procedures_population_db"), plus("procedures")),
        source=QD766,
    ),
]
SUB_BY_KEY = {s.key: s for s in SUB_INDICATORS}


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sum(terms: Terms, inputs: Mapping[str, int | None]) -> int | None:
    total = 0
    for sign, key in terms:
        value = inputs.get(key)
        if value is None:
            return None
        total += sign * value
    return total


@dataclass
class SubResult:
    sub: SubIndicator
    value: Decimal | None  # None: missing (never 0 for "no data")
    numerator: int | None
    denominator: int | None
    inputs: dict[str, int | None]
    missing: list[str]  # counter keys with no value
    full_when_empty: bool = False  # full points because there was nothing to judge

    @property
    def share(self) -> Decimal | None:
        if not self.denominator or self.numerator is None:
            return None
        return _quantize(Decimal(100) * max(self.numerator, 0) / self.denominator)

    @property
    def lost_points(self) -> Decimal | None:
        return None if self.value is None else self.sub.maximum - self.value


@dataclass
class GroupResult:
    group: Group
    subs: list[SubResult]
    value: Decimal | None
    judged_maximum: Decimal  # the maxima of the sub-indicators that have a value
    complete: bool


@dataclass
class IndexResult:
    groups: list[GroupResult]
    value: Decimal | None
    judged_maximum: Decimal
    complete: bool
    inputs: dict[str, int | None] = field(default_factory=dict)


def evaluate(sub: SubIndicator, inputs: Mapping[str, int | None]) -> SubResult:
    """One sub-indicator on known inputs (None = not known)."""
    used = {k: inputs.get(k) for k in sub.rate.counter_keys()}
    missing = [k for k, v in used.items() if v is None]
    num = _sum(sub.rate.numerator, inputs)
    den = _sum(sub.rate.denominator, inputs)
    if missing or num is None or den is None:
        return SubResult(sub, None, num, den, used, missing)
    if den <= 0:
        if sub.rate.when_empty == EMPTY_FULL:
            return SubResult(sub, sub.maximum, num, den, used, [], full_when_empty=True)
        return SubResult(sub, None, num, den, used, [])
    share = Decimal(max(num, 0)) / Decimal(den)
    value = min(sub.maximum, sub.maximum * share / sub.rate.full_at)
    return SubResult(sub, _quantize(value), num, den, used, [])


def compute(inputs: Mapping[str, int | None]) -> IndexResult:
    """The whole index on one unit's counters for one period."""
    groups: list[GroupResult] = []
    for group in GROUPS:
        subs = [evaluate(s, inputs) for s in SUB_INDICATORS if s.group == group.key]
        known = [r for r in subs if r.value is not None]
        value = (
            min(group.maximum, sum((r.value for r in known if r.value is not None), Decimal(0)))
            if known
            else None
        )
        judged = min(group.maximum, sum((r.sub.maximum for r in known), Decimal(0)))
        groups.append(GroupResult(group, subs, value, judged, len(known) == len(subs)))
    known_groups = [g for g in groups if g.value is not None]
    total = sum((g.value for g in known_groups if g.value is not None), Decimal(0))
    return IndexResult(
        groups=groups,
        value=_quantize(total) if known_groups else None,
        judged_maximum=sum((g.judged_maximum for g in groups), Decimal(0)),
        complete=all(g.complete for g in groups),
        inputs=dict(inputs),
    )


def check_definitions() -> None:
    """The maxima add up: each group's sub-indicators reach at least its maximum, the groups
    make 100 (a test calls this)."""
    assert sum(g.maximum for g in GROUPS) == 100
    for group in GROUPS:
        subs = sum(s.maximum for s in SUB_INDICATORS if s.group == group.key)
        assert subs >= group.maximum, group.key
