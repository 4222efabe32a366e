"""Citizen identity numbers (số định danh cá nhân, the 12 digits of a CCCD) and the QR code of a
chip-based CCCD, as the one-stop desk reads them (issue #12 §4, ADR 0063).

The 12 digits (Thông tư 07/2016/TT-BCA, Điều 7): three for the province where the birth was
registered, one for the century of birth and sex, two for the year of birth within the century,
six of sequence. The province codes are data (``data/cccd_province_codes.json``, with its
source); an issued number never changes, so the 63 codes of 2016 stay valid after the 2025
merger into 34 provinces, which reuse some of them.

The QR code on the back of a chip-based CCCD holds one line of fields separated by ``|``:
identity number | old ID (9 digits, may be empty) | full name | birth date ddmmyyyy | sex |
permanent address | issue date ddmmyyyy. A USB scanner types it, followed by Enter, into
whichever field has the focus.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).with_name("data") / "cccd_province_codes.json"

# Century and sex digit (the fourth): 0/1 born 1900–1999 male/female, 2/3 2000–2099,
# 4/5 2100–2199, 6/7 2200–2299, 8/9 2300–2399.
_CENTURY_START = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 2300}
MALE, FEMALE = "male", "female"


@cache
def province_codes() -> dict[str, str]:
    """Every valid first three digits and the province they name (the 2016 list, which
    contains the codes the 34 provinces of 2025 use)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    codes: dict[str, str] = dict(data["codes_2016"])
    for code, name in data["codes_2025"].items():
        codes.setdefault(code, name)
    return codes


def birth_century_and_sex(number: str) -> tuple[int, str]:
    """(first year of the century of birth, sex) that the fourth digit of ``number`` gives."""
    digit = int(number[3])
    return _CENTURY_START[digit // 2], FEMALE if digit % 2 else MALE


def identity_problem(
    number: str, *, birth_date: dt.date | None = None, sex: str = "", today: dt.date | None = None
) -> str | None:
    """What is wrong with an identity number, in Vietnamese, or None. Beyond the 12 digits:
    not all zeros, a province code of the list, a year of birth (century digit and the two
    digits after it) not in the future and, when given, equal to the birth date's year; the
    sex when given matching the century/sex digit."""
    if not re.fullmatch(r"[0-9]{12}", number or ""):
        return _("Số định danh cá nhân (CCCD) gồm đúng 12 chữ số.")
    if set(number) == {"0"}:
        return _("Số định danh cá nhân không hợp lệ (toàn chữ số 0).")
    if number[:3] not in province_codes():
        return _(
            "Số định danh cá nhân không hợp lệ: %(code)s không phải mã tỉnh, thành phố nơi đăng ký "
            "khai sinh."
        ) % {"code": number[:3]}
    century, number_sex = birth_century_and_sex(number)
    year = century + int(number[4:6])
    today = today or timezone.localdate()
    if year > today.year:
        return _("Số định danh cá nhân không hợp lệ: năm sinh theo số (%(year)s) ở tương lai.") % {
            "year": year
        }
    if birth_date is not None and birth_date.year != year:
        return _(
            "Số định danh cá nhân không khớp ngày sinh: số ứng với năm sinh %(year)s, ngày sinh đã "
            "nhập thuộc năm %(given)s."
        ) % {"year": year, "given": birth_date.year}
    if sex in (MALE, FEMALE) and sex != number_sex:
        return _(
            "Số định danh cá nhân không khớp giới tính đã nhập (chữ số thứ tư mã hóa thế kỷ sinh và "
            "giới tính)."
        )
    return None


def birth_date_problem(birth_date: dt.date | None, today: dt.date | None = None) -> str | None:
    """A birth date in the future is a typing error."""
    if birth_date is not None and birth_date > (today or timezone.localdate()):
        return _("Ngày sinh không được sau ngày hôm nay.")
    return None


# ---------------------------------------------------------------------------------------------
# The QR code of a chip-based CCCD


@dataclass(frozen=True)
class CccdCard:
    id_number: str
    old_id: str
    name: str
    birth_date: dt.date | None
    sex: str  # MALE, FEMALE or ""
    address: str
    issued_on: dt.date | None


_SEXES = {"nam": MALE, "nữ": FEMALE, "nu": FEMALE}


def _ddmmyyyy(value: str) -> dt.date | None:
    value = value.strip()
    if not re.fullmatch(r"[0-9]{8}", value):
        return None
    try:
        return dt.date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return None


def parse_cccd_qr(text: str) -> CccdCard | None:
    """The card behind a line a QR scanner typed, or None if ``text`` is not one: seven fields
    (six on some early cards, without the issue date) separated by ``|``, the first 12
    digits. Fields are trimmed; a bad date leaves that date empty rather than rejecting the
    card (the officer sees and corrects it)."""
    text = unicodedata.normalize("NFC", (text or "").strip())
    if text.count("|") < 5:
        return None
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (6, 7) or not re.fullmatch(r"[0-9]{12}", parts[0]) or not parts[2]:
        return None
    return CccdCard(
        id_number=parts[0],
        old_id=parts[1],
        name=" ".join(parts[2].split()),
        birth_date=_ddmmyyyy(parts[3]),
        sex=_SEXES.get(unicodedata.normalize("NFC", parts[4]).lower(), ""),
        address=" ".join(parts[5].split()),
        issued_on=_ddmmyyyy(parts[6]) if len(parts) == 7 else None,
    )
