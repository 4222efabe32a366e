"""Reading the free texts of the national TTHC database: national codes, amounts of money,
deadlines ("Thời hạn giải quyết") and fees ("Phí, lệ phí").

Each reader keeps the text it was given (the caller stores it as published) and returns what
it understood plus *flags*: things a person must look at before the version is published
(docs/procedures.md, "Flags"). Nothing here guesses silently: a reading that is not certain is
flagged, an amount that could be read two ways is refused.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from congso.core.inputs import ascii_digits_only
from congso.search.normalize import fold

# ---------------------------------------------------------------- flags


@dataclass(frozen=True)
class Flag:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# ---------------------------------------------------------------- national codes

_CODE = re.compile(r"^\s*(\d)\.?(\d{6})((?:\.\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}))?\s*$", re.ASCII)


def national_code(text: str | None) -> tuple[str, str]:
    """(national code ``d.dddddd``, the provincial symbol as written or "").

    Accepts ``1.003583``, ``1003583`` and the provincial symbol ``1.003583.000.00.00.H37``
    (reduced to its national prefix; the symbol is returned too, to be kept). Raises
    ValueError with a Vietnamese message for anything else.
    """
    raw = (text or "").strip()
    if not raw:
        return "", ""
    match = _CODE.match(raw)
    if match is None:
        raise ValueError(
            _(
                "mã thủ tục “%(code)s” không đúng dạng d.dddddd (ví dụ 1.003583) hoặc "
                "dạng ký hiệu của tỉnh (ví dụ 1.003583.000.00.00.H37)."
            )
            % {"code": raw}
        )
    code = f"{match.group(1)}.{match.group(2)}"
    local = f"{code}{match.group(3)}".upper() if match.group(3) else ""
    return code, local


# ---------------------------------------------------------------- money

_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_MULTIPLIERS = {"nghin": 1000, "ngan": 1000, "trieu": 1_000_000}


class AmountError(ValueError):
    """An amount that cannot be read without guessing; the message says why, in Vietnamese."""


def parse_amount(text: str | int | float | Decimal | None) -> int:
    """An amount of money in đồng, written as Vietnamese documents or the national portal write
    it: ``2.000``, ``2.000 đồng``, ``50,000 VNĐ``, ``1.000.000``, ``200000``, ``10 nghìn đồng``,
    ``1,5 triệu đồng``. Đồng has no decimals, so a dot or comma between digits is a thousands
    mark only when every group after it has three digits; anything else ("2,5", "1.000,50",
    "1.00.000") is refused rather than guessed."""
    if isinstance(text, bool):
        raise AmountError(_("số tiền không hợp lệ."))
    if isinstance(text, int):
        if text < 0:
            raise AmountError(_("số tiền không được âm."))
        return text
    if isinstance(text, float | Decimal):
        number = Decimal(str(text))
        if number != number.to_integral() or number < 0:
            raise AmountError(
                _("số tiền “%(v)s” có phần lẻ; tiền đồng không có phần thập phân.") % {"v": text}
            )
        return int(number)
    raw = (text or "").strip()
    if not raw:
        raise AmountError(_("thiếu số tiền."))
    folded = fold(raw)
    folded = re.sub(r"\s*(dong|vnd|d)\s*\.?$", "", folded).strip()
    multiplier = 1
    for word, factor in _MULTIPLIERS.items():
        if folded.endswith(word):
            multiplier = factor
            folded = folded[: -len(word)].strip()
            break
    digits = folded.replace(" ", "")
    if not digits or not re.fullmatch(r"[\d.,]+", digits):
        raise AmountError(_("“%(v)s” không phải số tiền.") % {"v": raw})
    if multiplier > 1:
        # "1,5 triệu": here the mark can only be a decimal one.
        if digits.count(".") + digits.count(",") > 1:
            raise AmountError(_("số tiền “%(v)s” không rõ ràng.") % {"v": raw})
        try:
            value = Decimal(digits.replace(",", ".")) * multiplier
        except InvalidOperation:
            raise AmountError(_("“%(v)s” không phải số tiền.") % {"v": raw}) from None
        if value != value.to_integral():
            raise AmountError(_("số tiền “%(v)s” có phần lẻ dưới một đồng.") % {"v": raw})
        return int(value)
    if ascii_digits_only(digits):
        return int(digits)
    if "." in digits and "," in digits:
        raise AmountError(
            _(
                "số tiền “%(v)s” dùng cả dấu chấm và dấu phẩy, không rõ đâu là phân cách "
                "hàng nghìn; tiền đồng không có phần thập phân, hãy ghi ví dụ 1.000.000."
            )
            % {"v": raw}
        )
    if _GROUPED.match(digits):
        return int(re.sub(r"[.,]", "", digits))
    raise AmountError(
        _(
            "số tiền “%(v)s” không rõ ràng: dấu chấm hoặc phẩy phải phân cách hàng nghìn "
            "(ví dụ 2.000 hoặc 50,000); tiền đồng không có phần thập phân."
        )
        % {"v": raw}
    )


# ---------------------------------------------------------------- deadlines

WORKING_DAYS, CALENDAR_DAYS, SAME_DAY, WORKING_HOURS, UNKNOWN = (
    "working_days",
    "calendar_days",
    "same_day",
    "working_hours",
    "unknown",
)

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_SPAN = re.compile(_NUMBER + r"\s*(ngay lam viec|ngay|gio lam viec|gio)\b")
_SAME_DAY = re.compile(r"\b(ngay )?trong ngay\b")
_AFTER_15 = re.compile(
    r"sau\s*15\s*(gio|h)\b[^;]*?(ngay lam viec tiep theo|ngay tiep theo|hom sau)"
)
_BARE = re.compile(r"^(so ngay xu ly|thoi han|so ngay)?\s*:?\s*" + _NUMBER + r"\s*\.?$")
_SPELLED = re.compile(
    r"(\d)\s*\((?:(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|muoi|mot|tram|le)\s*)+\)\s*"
)
_MISSING = {"", "khong co thong tin", "chua co thong tin", "khong co", "khong quy dinh"}


@dataclass
class Deadline:
    text: str
    duration: Decimal
    kind: str
    flags: list[Flag] = field(default_factory=list)


def _number(text: str) -> Decimal:
    value = Decimal(text.replace(",", "."))
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def parse_deadline(text: str | None, default_unit: str = "") -> Deadline:
    """Read a published deadline into (duration, unit) with flags; see docs/procedures.md.

    ``default_unit`` is the file-wide unit an administrator chose for bare "N ngày" and bare
    numbers (a table headed "(Ngày làm việc)"): ``working_days`` or ``calendar_days``.
    """
    original = (text or "").strip()
    folded = fold(original).replace("\u00a0", " ")
    folded = re.sub(r"\s+", " ", folded).strip(" .;:")
    # "03 (ba) ngày làm việc", "02 (hai) ngày": the legal style spells the number out again.
    folded = _SPELLED.sub(r"\1 ", folded)
    if folded in _MISSING:
        return Deadline(
            original,
            Decimal(0),
            UNKNOWN,
            [
                Flag(
                    "deadline_missing",
                    _("Chưa có thời hạn giải quyết; hãy nhập thời hạn trước khi công bố."),
                )
            ],
        )
    bare = _BARE.match(folded)
    if bare:
        value = _number(bare.group(2))
        if default_unit:
            return Deadline(original, value, default_unit)
        return Deadline(
            original,
            value,
            UNKNOWN,
            [
                Flag(
                    "deadline_no_unit",
                    _(
                        "Thời hạn “%(t)s” chỉ có con số, không rõ ngày làm việc hay ngày; hãy chọn đơn vị."
                    )
                    % {"t": original},
                )
            ],
        )
    same_day = bool(_SAME_DAY.search(folded))
    scan = _AFTER_15.sub(" ", folded) if same_day else folded
    spans: list[tuple[Decimal, str]] = []
    for match in _SPAN.finditer(scan):
        unit = match.group(2)
        if (
            unit == "gio"
            and re.search(r"trong (vong )?$", scan[: match.start()]) is None
            and int(_number(match.group(1))) in {15, 16, 17}
        ):
            continue  # a clock time ("trước 15 giờ"), not a span
        kind = {
            "ngay lam viec": WORKING_DAYS,
            "ngay": CALENDAR_DAYS,
            "gio lam viec": WORKING_HOURS,
            "gio": WORKING_HOURS,
        }[unit]
        spans.append((_number(match.group(1)), kind))
    flags: list[Flag] = []
    if not spans and same_day:
        return Deadline(original, Decimal(1), SAME_DAY)
    if not spans:
        return Deadline(
            original,
            Decimal(0),
            UNKNOWN,
            [
                Flag(
                    "deadline_unreadable",
                    _("Không đọc được thời hạn “%(t)s”; hãy nhập thời hạn và đơn vị.")
                    % {"t": original[:200]},
                )
            ],
        )
    calendar_written = any(k == CALENDAR_DAYS for _v, k in spans)
    if calendar_written and default_unit:
        spans = [(v, default_unit if k == CALENDAR_DAYS else k) for v, k in spans]
    distinct = {(v, k) for v, k in spans}
    if len(distinct) > 1 or same_day:
        flags.append(
            Flag(
                "deadline_several_cases",
                _("Thời hạn có nhiều trường hợp; đã lấy thời hạn dài nhất, hãy kiểm tra lại."),
            )
        )

    def in_days(item: tuple[Decimal, str]) -> Decimal:
        return item[0] / 8 if item[1] == WORKING_HOURS else item[0]

    value, kind = max(distinct, key=lambda item: (in_days(item), item[1] == WORKING_DAYS))
    if kind == CALENDAR_DAYS and not default_unit:
        flags.append(
            Flag(
                "deadline_calendar_days",
                _(
                    "Thời hạn ghi “ngày”, không ghi “ngày làm việc”; đã hiểu là ngày theo lịch, hãy kiểm tra lại."
                ),
            )
        )
    return Deadline(original, value, kind, flags)


# ---------------------------------------------------------------- fees


@dataclass
class FeeSpec:
    kind: str  # "fee" (phí) or "charge" (lệ phí)
    name: str
    amount: int
    per_unit: str = ""
    from_unit: int | None = None
    max_amount: int | None = None
    condition: str = ""

    def as_tuple(self) -> tuple[object, ...]:
        return (
            self.kind,
            self.name,
            self.amount,
            self.per_unit,
            self.from_unit or 0,
            self.max_amount or 0,
            self.condition,
        )


@dataclass
class FeeReading:
    text: str
    fees: list[FeeSpec]
    free: bool
    flags: list[Flag] = field(default_factory=list)


_FREE = re.compile(
    r"^(mien phi|mien le phi|mien|khong|khong thu|khong thu phi|khong thu le phi|khong co|"
    r"khong co phi|khong phai nop|khong quy dinh|0|0 dong)\.?$"
)
_FOREIGN = re.compile(r"\b(usd|eur|euro|do la|dola|yen|nhan dan te)\b|\$|€")
# An amount in the original text: digits with marks, an optional multiplier, a currency word.
_AMOUNT = re.compile(
    r"(?<![\d/])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*(nghìn|ngàn|triệu)?\s*"
    r"(đồng|đ|vnđ|vnd|VNĐ|VND|Đồng|dong)(?![a-zà-ỹ])",
    re.IGNORECASE,
)
_PER = re.compile(
    r"^\s*(?:/|một |cho một |mỗi |trên một )\s*(trường hợp|hợp đồng, giao dịch|hợp đồng|"
    r"bản sao trích lục|bản sao|bản dịch|bản chính|lần đăng ký|lần cấp|lần|giao dịch|sự kiện|"
    r"hồ sơ|văn bản|trang|bản|giấy phép|giấy|trích lục|người|hộ|[^\s;,.()/]+)",
    re.IGNORECASE,
)
_FROM = re.compile(
    r"(?:từ|kể từ)\s+(?:trang|bản)\s+thứ\s+(\d+|hai|ba|tư|năm)\s+trở lên", re.IGNORECASE
)
_CAP = re.compile(
    r"(?:tối đa|không quá)[^;\d]{0,40}?(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(đồng|đ|vnđ)", re.IGNORECASE
)
_CONDITION = re.compile(r"\b(doi voi|truong hop|neu|ap dung cho|rieng)\b")
_WORD_NUMBERS = {"hai": 2, "ba": 3, "tư": 4, "năm": 5}


def _clauses(text: str) -> list[str]:
    parts = re.split(
        r"\s*(?:;|\n|\r|(?<=[.)])\s+(?=[-+•A-ZĐÀ-Ỹ])|(?:^|\s)[-+•]\s+|(?<=\S)\s+(?=Miễn\b))\s*",
        text,
    )
    return [p.strip(" -+•.\t") for p in parts if p and p.strip(" -+•.\t")]


def _kind_of(folded: str, default: str) -> str:
    if "le phi" in folded:
        return "charge"
    if re.search(r"\bphi\b", folded):
        return "fee"
    return default


# The national portal (dichvucong.gov.vn) prints each fee row as "Lệ phí : 8000 Đồng" and its
# description in brackets on the next line: "(Lệ phí cấp bản sao trích lục hộ tịch)", or on
# the same line as a new sentence ("Phí : 200.000 Đồng Phí cung cấp thông tin lý lịch tư
# pháp: 200.000 đồng/lần/người."). A row whose amount was left empty prints "Lệ phí : Đồng"
# and says everything in its description ("Lệ phí : Đồng (Miễn lệ phí. …)").
_PORTAL_HEAD = re.compile(
    r"(?:^|(?<=[\n).;]))\s*(Phí|Lệ phí|Phí, lệ phí)\s*:\s*(\d[\d.,]*)?\s*(?:Đồng|đồng|VNĐ|đ)\b"
    r"(?=[ \t]*(?:\n|\(|$|\S))",
    re.IGNORECASE,
)


def _portal_heads(original: str) -> list[re.Match[str]]:
    """The heads followed by what the portal puts after one: the end of the line, a bracket or
    a sentence starting with a capital ("Đồng/bản", "đồng đối với …" are ordinary texts)."""
    heads = []
    for head in _PORTAL_HEAD.finditer(original):
        rest = original[head.end() :].lstrip(" \t")
        if not rest or rest[0] in "\n(" or rest[0].isupper():
            heads.append(head)
    return heads


def _parse_portal_rows(original: str) -> FeeReading | None:
    """The portal's rows, or None when the text is not in that form. A row whose description
    has amounts of its own (tiers: "2.000 đồng/trang … từ trang thứ 3 …") is read from the
    description, the head amount being its first tier; several rows of one kind are
    alternatives (conditional rows the officer picks), never one sum."""
    heads = _portal_heads(original)
    if not heads or original[: heads[0].start()].strip():
        return None
    fees: list[FeeSpec] = []
    flags: list[Flag] = []
    free_rows = 0
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(original)
        description = original[head.end() : end].strip()
        if description.startswith("(") and description.endswith(")"):
            description = description[1:-1].strip()
        kind = "charge" if "le phi" in fold(head.group(1)) else "fee"
        if head.group(2) is None:
            # "Lệ phí : Đồng": no amount in the row; its description is the whole fee text.
            if not description:
                flags.append(
                    Flag(
                        "fee_unreadable",
                        _(
                            "Dòng “%(t)s” của Cổng dịch vụ công không có số tiền; hãy nhập "
                            "khoản thu, hoặc xác nhận là miễn phí."
                        )
                        % {"t": head.group(0).strip()},
                    )
                )
                continue
            inner = parse_fees(description, default_kind=kind)
            fees.extend(inner.fees)
            flags.extend(inner.flags)
            free_rows += inner.free
            continue
        if _AMOUNT.search(description):
            inner = parse_fees(description, default_kind=kind)
            fees.extend(inner.fees)
            flags.extend(inner.flags)
            continue
        try:
            value = parse_amount(head.group(2))
        except AmountError as exc:
            flags.append(Flag("fee_ambiguous", str(exc)))
            continue
        name = description if description and len(description) <= 300 else ""
        fees.append(
            FeeSpec(kind, name or str(_("Lệ phí") if kind == "charge" else _("Phí")), value)
        )
    if fees and all(f.amount == 0 for f in fees) and not flags:
        return FeeReading(original, [], True)
    if not fees and free_rows == len(heads):
        # "Lệ phí : Đồng (Miễn lệ phí. …)": free, with what its description left unread.
        return FeeReading(original, [], True, flags)
    for kind in ("fee", "charge"):
        flat = [f for f in fees if f.kind == kind and not f.from_unit and not f.condition]
        if len(flat) > 1:
            for fee in flat:
                fee.condition = fee.name
    return FeeReading(original, fees, False, flags)


def _unread_flag(unread: list[str]) -> list[Flag]:
    if not unread:
        return []
    return [
        Flag(
            "fee_unreadable",
            _("Một phần phí, lệ phí không có số tiền: “%(t)s”; hãy nhập khoản thu đó.")
            % {"t": unread[0][:200]},
        )
    ]


def parse_fees(text: str | None, default_kind: str = "charge") -> FeeReading:
    """Read a published fee text into fee rows; see docs/procedures.md for the forms read."""
    original = (text or "").strip()
    portal = _parse_portal_rows(original)
    if portal is not None:
        return portal
    folded_all = re.sub(r"\s+", " ", fold(original)).strip(" .;:")
    folded_all = re.sub(r"^(phi|le phi|phi, le phi|phi le phi)\s*:\s*", "", folded_all)
    if (
        not folded_all
        or _FREE.match(folded_all)
        or (folded_all.startswith(("mien phi", "khong thu")) and not _AMOUNT.search(original))
    ):
        return FeeReading(original, [], True)
    flags: list[Flag] = []
    if _FOREIGN.search(folded_all):
        flags.append(
            Flag(
                "fee_foreign_currency",
                _(
                    "Phí, lệ phí có khoản bằng ngoại tệ; đã giữ nguyên văn bản, hãy kiểm tra các khoản thu."
                ),
            )
        )
    fees: list[FeeSpec] = []
    cap_all: int | None = None
    unread: list[str] = []
    if (
        default_kind == "charge"
        and re.search(r"\bphi\b", folded_all)
        and "le phi" not in folded_all
    ):
        default_kind = "fee"
    for clause in _clauses(original):
        folded = fold(clause)
        # "/trường hợp" is a unit of charge, not a condition.
        plain = re.sub(r"/\s*truong hop", " ", folded)
        # "đối với trang thứ nhất, trang thứ hai" says which pages, not when.
        plain = re.sub(r"doi voi (cac )?trang( thu \w+,?)+( trang thu \w+)*", " ", plain)
        cap = _CAP.search(clause)
        amounts = list(_AMOUNT.finditer(clause))
        if cap:
            with contextlib.suppress(AmountError):
                cap_all = parse_amount(cap.group(1))
            amounts = [m for m in amounts if not (cap.start(1) <= m.start() < cap.end())]
        exempt = folded.startswith(("mien", "khong thu")) and not amounts
        conditional = bool(_CONDITION.search(plain)) or exempt
        if not amounts and not exempt:
            if fees and fees[-1].condition and not re.search(r"\b(phi|muc thu)\b", folded):
                fees[-1].condition = f"{fees[-1].condition}; {clause}"
            elif (
                conditional
                and fees
                and fees[-1].condition == ""
                and clause.startswith("(")
                and len(fees) == 1
            ):
                fees[-1].condition = clause.strip("()")
            elif re.search(r"\b(phi|thu|muc)\b", folded) and len(folded) > 12:
                unread.append(clause)
            continue
        if exempt:
            fees.append(
                FeeSpec(
                    _kind_of(folded, default_kind),
                    _("Miễn lệ phí") if "le phi" in folded else _("Miễn phí"),
                    0,
                    condition=clause,
                )
            )
            continue
        for match in amounts:
            try:
                value = parse_amount(f"{match.group(1)} {match.group(2) or ''}".strip())
            except AmountError as exc:
                flags.append(Flag("fee_ambiguous", str(exc)))
                continue
            per = _PER.match(clause[match.end() :])
            # "2.000 đồng/trang đối với trang thứ nhất, trang thứ hai. từ trang thứ 3 trở lên
            # thu 1.000 đồng/trang" in one clause: each amount takes the start written
            # between the previous amount and itself.
            previous_end = amounts[amounts.index(match) - 1].end() if amounts.index(match) else 0
            from_match = _FROM.search(clause[previous_end : match.start()])
            if from_match is None and len(amounts) == 1:
                from_match = _FROM.search(clause)
            from_unit = None
            if from_match:
                token = from_match.group(1).lower()
                from_unit = int(token) if ascii_digits_only(token) else _WORD_NUMBERS.get(token)
            head = clause[: match.start()].strip(" :,-")
            name = (
                head
                if head
                and len(head) <= 300
                and not _CONDITION.search(fold(head))
                and not _FROM.search(head)
                and fold(head) not in {"le phi", "phi", "muc thu", "thu"}
                else ""
            )
            kind = _kind_of(folded, default_kind)
            if not name:
                name = str(_("Lệ phí") if kind == "charge" else _("Phí"))
                if from_unit:
                    name = _("%(name)s từ trang thứ %(n)s") % {"name": name, "n": from_unit}
            fees.append(
                FeeSpec(
                    kind,
                    name[:300],
                    value,
                    per_unit=per.group(1).strip() if per else "",
                    from_unit=from_unit,
                    condition=clause if conditional else "",
                )
            )
    # "Miễn lệ phí." alone (its clause says no more than that) is not a condition: free.
    if fees and all(f.amount == 0 and _FREE.match(fold(f.condition).strip(" .")) for f in fees):
        return FeeReading(original, [], True, flags + _unread_flag(unread))
    if cap_all is not None:
        for fee in fees:
            if fee.per_unit:
                fee.max_amount = cap_all
    # A tier without a start ("2.000 đồng/trang" before "từ trang thứ 3 trở lên") is pages 1–2.
    if any(f.from_unit for f in fees):
        for fee in fees:
            if fee.per_unit and fee.from_unit is None:
                fee.from_unit = 1
    # "Miễn … đối với …" beside a charged amount: the charged row applies in the other cases.
    if any(f.condition for f in fees):
        for fee in fees:
            if not fee.condition:
                fee.condition = str(_("Các trường hợp còn lại"))
    if fees:
        flags.extend(_unread_flag(unread))
    if not fees and not flags:
        flags.append(
            Flag(
                "fee_unreadable",
                _(
                    "Không đọc được số tiền trong “%(t)s”; đã giữ nguyên văn bản, hãy nhập các khoản thu."
                )
                % {"t": original[:200]},
            )
        )
    elif not fees:
        flags.append(
            Flag("fee_unreadable", _("Chưa có khoản thu nào đọc được; hãy nhập các khoản thu."))
        )
    return FeeReading(original, fees, False, flags)
