"""Import of the catalogue as the national TTHC database (CSDL quốc gia về TTHC) lists it.

A CSV or XLSX with the listing's Vietnamese columns (docs/procedures.md, "National import").
The file is read and every row parsed first; then every row is applied through the catalogue
services, each in its own savepoint so that every problem of every row is collected in one
pass, inside one transaction. A dry run (and any run with an error) rolls that transaction
back, so what a dry run reports is exactly what applying does. Rows are keyed on the national
code; rows without one are matched by folded name within their field.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.org.models import Unit
from congso.org.selectors import unit_by_code
from congso.search.normalize import fold, fold_words

from .models import DurationKind, Field, Level, Procedure, ProcedureVersion
from .parsing import Deadline, FeeReading, Flag, national_code, parse_deadline, parse_fees
from .services import (
    check_valid_from,
    ensure_catalogue_admin,
    procedure_create,
    procedure_update,
    review_problems,
    steps_add_up,
    structure_problems,
    unit_offer,
    version_create_draft,
    version_problems,
    version_publish,
    version_set_content,
    version_update_draft,
)

security_log = logging.getLogger("congso.security")

MAX_BYTES: int = getattr(settings, "PROCEDURES_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS: int = getattr(settings, "PROCEDURES_NATIONAL_MAX_ROWS", 5000)
MAX_COLUMNS = 60
MAX_CELL = 100_000
# An XLSX is a zip: what it may unpack to, in all and per byte stored (zip bombs).
XLSX_MAX_UNPACKED = 80 * 1024 * 1024
XLSX_MAX_RATIO = 150
XLSX_MAX_ENTRIES = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS = [
    Column(
        "code",
        "Mã thủ tục",
        ("ma thu tuc", "ma tthc", "ma so thu tuc", "ma so tthc", "ma so", "ma"),
    ),
    Column("name", "Tên thủ tục", ("ten thu tuc", "ten tthc", "ten thu tuc hanh chinh"), True),
    Column("field", "Lĩnh vực", ("linh vuc", "ten linh vuc"), True),
    Column("levels", "Cấp thực hiện", ("cap thuc hien", "cap"), True),
    Column(
        "deadline",
        "Thời hạn giải quyết",
        ("thoi han giai quyet", "thoi gian giai quyet", "thoi han"),
        True,
    ),
    Column("fees", "Phí, lệ phí", ("phi le phi", "le phi", "phi"), True),
    Column("agency", "Cơ quan thực hiện", ("co quan thuc hien",)),
    Column("legal_basis", "Căn cứ pháp lý", ("can cu phap ly",)),
    Column("papers", "Thành phần hồ sơ", ("thanh phan ho so", "thanh phan, so luong ho so")),
    Column("steps", "Trình tự thực hiện", ("trinh tu thuc hien",)),
    Column("valid_from", "Ngày hiệu lực", ("ngay hieu luc", "ngay co hieu luc")),
]
_BY_KEY = {c.key: c for c in COLUMNS}

ACTIONS = {"new": _("Mới"), "updated": _("Cập nhật"), "unchanged": _("Không đổi")}


class NationalImportError(ValidationError):
    """The file itself cannot be read (format, size, missing columns); nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        self.errors = messages
        super().__init__(messages)


# ---------------------------------------------------------------- reading the file


def _header_key(text: Any) -> str:
    return " ".join(fold_words(str(text or "")))


def check_zip(data: bytes) -> str:
    """Why an XLSX (a zip) must not be opened, or "": too many entries, unpacking to too much,
    or packed too tightly (a zip bomb). Reads only the zip's directory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return _("Tệp không phải bảng tính XLSX (Excel 2007 trở lên).")
    infos = archive.infolist()
    if len(infos) > XLSX_MAX_ENTRIES:
        return _("Tệp XLSX có quá nhiều thành phần (%(n)s).") % {"n": len(infos)}
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_UNPACKED:
        return _(
            "Tệp XLSX khi giải nén quá lớn (%(size)s MB, tối đa %(max)s MB); hãy chia nhỏ tệp."
        ) % {"size": total // 1024 // 1024, "max": XLSX_MAX_UNPACKED // 1024 // 1024}
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > XLSX_MAX_RATIO * max(
            info.compress_size, 1
        ):
            return _("Tệp XLSX bị nén bất thường (có thể là tệp độc hại); không mở tệp này.")
    for info in infos:
        if _declares_dtd(archive, info):
            return _(
                "Tệp XLSX chứa khai báo DOCTYPE hoặc ENTITY (bảng tính thật không có); "
                "không mở tệp này."
            )
    return ""


_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 64 * 1024
_XML_PARTS = (".xml", ".rels", ".vml")


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part of the XLSX holds a DTD (whose entities openpyxl's parsers would expand
    or fetch), anywhere in it; or is XML in another encoding than UTF-8 (Excel writes UTF-8
    only; UTF-16 would hide the declaration from a byte search). Streams the part: its declared
    size, which the directory checks bounded, is all zipfile reads (issue #11, finding 7)."""
    if info.is_dir() or not info.filename.lower().endswith(_XML_PARTS):
        return False  # images and other binary parts: openpyxl does not parse them as XML
    tail = b""
    try:
        with archive.open(info) as member:
            first = True
            while chunk := member.read(_CHUNK):
                if first:
                    first = False
                    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]:
                        return True
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-16:]
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, NotImplementedError, EOFError):
        return False  # damaged: openpyxl refuses it with its own message
    return False


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The rows of a CSV or XLSX (first row = headers), bounded in size, rows, columns and cell
    length. Raises NationalImportError (Vietnamese) for anything it will not read."""
    if len(data) > MAX_BYTES:
        raise NationalImportError(
            [
                _("Tệp quá lớn (%(size)s MB, tối đa %(max)s MB).")
                % {"size": round(len(data) / 1024 / 1024, 1), "max": MAX_BYTES // 1024 // 1024}
            ]
        )
    name = (filename or "").lower()
    is_zip = data.startswith(b"PK\x03\x04")
    if name.endswith(".xlsx") or (is_zip and not name.endswith(".csv")):
        return _read_xlsx(data)
    if name.endswith(".csv") or not is_zip:
        return _read_csv(data)
    raise NationalImportError([_("Chỉ nhận tệp .csv hoặc .xlsx.")])


def _too_many_rows() -> NationalImportError:
    return NationalImportError(
        [_("Tệp có quá nhiều dòng (tối đa %(n)s thủ tục một lần nhập).") % {"n": MAX_ROWS}]
    )


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise NationalImportError([_("Tệp không phải bảng tính XLSX (Excel 2007 trở lên).")])
    problem = check_zip(data)
    if problem:
        security_log.warning("catalogue import refused an xlsx: %s", problem)
        raise NationalImportError([problem])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise NationalImportError(
            [_("Không đọc được tệp XLSX: tệp hỏng hoặc sai định dạng.")]
        ) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise NationalImportError([_("Tệp XLSX không có trang tính nào.")])
        rows: list[list[str]] = []
        for values in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            texts = [_cell_text(v) for v in values]
            if any(len(t) > MAX_CELL for t in texts):
                raise NationalImportError(
                    [
                        _("Dòng %(row)s có ô dài quá %(n)s ký tự.")
                        % {"row": len(rows) + 1, "n": MAX_CELL}
                    ]
                )
            rows.append(texts)
        return rows
    finally:
        wb.close()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NationalImportError([_("Tệp CSV phải được lưu với bảng mã UTF-8.")])
    if "\x00" in text:
        raise NationalImportError([_("Tệp CSV chứa ký tự không hợp lệ.")])
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_CELL)
    rows: list[list[str]] = []
    try:
        for values in csv.reader(io.StringIO(text), dialect):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append(values[:MAX_COLUMNS])
    except csv.Error as exc:
        raise NationalImportError(
            [
                _("Tệp CSV không hợp lệ ở dòng %(row)s (ô quá dài hoặc sai dấu ngoặc kép).")
                % {"row": len(rows) + 1}
            ]
        ) from exc
    return rows


# ---------------------------------------------------------------- parsing rows


@dataclass
class RowSpec:
    line: int
    code: str
    local_code: str
    name: str
    field_name: str
    levels: list[str]
    deadline: Deadline
    fees: FeeReading
    # None when the file has no such column: the procedure keeps what it has.
    agency: str | None
    legal_basis: str | None
    papers: list[str] | None
    steps: str | None
    valid_from: dt.date | None

    @property
    def flags(self) -> list[Flag]:
        return [*self.deadline.flags, *self.fees.flags]

    def content(self) -> tuple[Any, ...]:
        return (
            fold(self.name),
            self.field_name and _field_key(self.field_name),
            tuple(self.levels),
            self.deadline.text,
            self.fees.text,
            self.agency,
            self.legal_basis,
            tuple(self.papers or ()),
            self.steps,
            self.valid_from,
        )


def _field_key(name: str) -> str:
    """Folded field name without its "Lĩnh vực" prefix: "Lĩnh vực Hộ tịch" = "hộ tịch"."""
    key = " ".join(fold_words(name))
    return re.sub(r"^linh vuc\s+", "", key)


def parse_levels(text: str) -> list[str]:
    levels: list[str] = []
    for part in re.split(r"[;,\n/]|\bvà\b", text):
        token = fold(part).strip()
        if not token:
            continue
        if "tinh" in token and "thuoc tinh" not in token:
            level = Level.PROVINCE
        elif re.search(r"\b(huyen|quan|thi xa|thanh pho thuoc)\b", token):
            level = Level.DISTRICT
        elif re.search(r"\b(xa|phuong|thi tran)\b", token):
            level = Level.WARD
        else:
            raise ValueError(
                _(
                    "cấp thực hiện “%(v)s” không rõ; ghi Cấp xã, Cấp huyện hoặc Cấp tỉnh "
                    "(nhiều cấp cách nhau bởi dấu ;)."
                )
                % {"v": part.strip()}
            )
        if level not in levels:
            levels.append(level)
    if not levels:
        raise ValueError(_("thiếu cấp thực hiện."))
    return levels


def parse_papers(text: str) -> list[str] | None:
    lines = [
        re.sub(r"^\s*(?:[-+•*]|\d{1,2}[.)])\s*", "", line).strip() for line in text.splitlines()
    ]
    papers = [line for line in lines if line]
    return papers or None


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(_("ngày “%(v)s” phải có dạng dd/mm/yyyy.") % {"v": text})


# ---------------------------------------------------------------- the report


@dataclass
class Entry:
    line: int
    action: str  # new, updated, unchanged
    name: str
    code: str
    field_name: str
    levels: list[str]
    diff: list[tuple[str, str, str]] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "cần bổ sung": what publishing still needs
    published: bool = False
    # A complete, unflagged draft of a published procedure: waits for a person's approval.
    awaiting_approval: bool = False
    procedure_slug: str = ""

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])

    @property
    def level_labels(self) -> str:
        return "; ".join(str(Level(v).label) for v in self.levels)


@dataclass
class Duplicate:
    code: str
    kept: RowSpec
    others: list[RowSpec]


@dataclass
class NationalReport:
    dry_run: bool
    entries: list[Entry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # (unit, how many of the file's procedures it receives), in the order chosen.
    offers: list[tuple[Unit, int]] = field(default_factory=list)
    applied: bool = False

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)

    @property
    def flagged(self) -> list[Entry]:
        return [e for e in self.entries if e.flags or e.missing]

    @property
    def awaiting_approval(self) -> list[Entry]:
        return [e for e in self.entries if e.awaiting_approval]

    def summary(self) -> str:
        text = _(
            "%(new)s thủ tục mới, %(upd)s cập nhật, %(same)s không đổi, %(flag)s cần xem lại hoặc cần bổ sung."
        ) % {
            "new": self.count("new"),
            "upd": self.count("updated"),
            "same": self.count("unchanged"),
            "flag": len(self.flagged),
        }
        if self.awaiting_approval:
            text += " " + _(
                "%(n)s bản cập nhật của thủ tục đang áp dụng chờ duyệt (bản đang áp dụng giữ nguyên đến khi duyệt)."
            ) % {"n": len(self.awaiting_approval)}
        if self.applied:
            return _("Đã nhập: %(t)s") % {"t": text}
        if self.errors:
            return _("Chưa nhập gì: tệp có %(n)s lỗi. %(t)s") % {"n": len(self.errors), "t": text}
        return _("Chạy thử, chưa ghi gì: %(t)s") % {"t": text}


class _Rollback(Exception):
    pass


# ---------------------------------------------------------------- the import


def parse_file(
    data: bytes, filename: str, *, default_unit: str = "", report: NationalReport
) -> list[RowSpec]:
    rows = read_table(data, filename)
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise NationalImportError([_("Tệp trống.")])
    header = rows[0]
    positions: dict[str, int] = {}
    deadline_header_unit = ""
    for index, text in enumerate(header):
        key = _header_key(text)
        if not key:
            continue
        match = None
        for column in COLUMNS:
            if column.key in positions:
                continue
            if key in column.aliases or any(
                key.startswith(a + " ") and column.key == "deadline" for a in column.aliases
            ):
                match = column
                break
        if match is None:
            if key not in {"stt", "tt", "so tt"}:
                report.ignored_columns.append(str(text).strip())
            continue
        positions[match.key] = index
        if match.key == "deadline" and "ngay lam viec" in key:
            deadline_header_unit = DurationKind.WORKING_DAYS
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise NationalImportError(
            [
                _("Thiếu cột: %(cols)s. Các cột có trong tệp: %(have)s.")
                % {
                    "cols": ", ".join(missing),
                    "have": ", ".join(str(h).strip() for h in header if str(h).strip()),
                }
            ]
        )
    if "code" not in positions:
        report.notes.append(
            _("Tệp không có cột Mã thủ tục: các dòng được khớp theo tên thủ tục trong lĩnh vực.")
        )
    if deadline_header_unit and not default_unit:
        default_unit = deadline_header_unit
        report.notes.append(
            _(
                "Tiêu đề cột thời hạn ghi “ngày làm việc”: số ngày không ghi đơn vị được hiểu là ngày làm việc."
            )
        )
    specs: list[RowSpec] = []
    for line, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue

        def cell(key: str, values: list[str] = values) -> str:
            pos = positions.get(key)
            return values[pos].strip() if pos is not None and pos < len(values) else ""

        problems: list[str] = []
        try:
            code, local = national_code(cell("code"))
        except ValueError as exc:
            problems.append(f"{_BY_KEY['code'].header}: {exc}")
            code, local = "", ""
        name = re.sub(r"\s+", " ", cell("name"))
        if not name:
            problems.append(_("%(col)s: không được để trống.") % {"col": _BY_KEY["name"].header})
        elif len(name) > 500:
            problems.append(
                _(
                    "%(col)s dài %(n)s ký tự, quá 500; kiểm tra lại ô này (có thể dán nhầm cả nội dung)."
                )
                % {"col": _BY_KEY["name"].header, "n": len(name)}
            )
        field_name = re.sub(r"\s+", " ", cell("field"))
        if not _field_key(field_name):
            problems.append(_("%(col)s: không được để trống.") % {"col": _BY_KEY["field"].header})
        levels: list[str] = []
        try:
            levels = parse_levels(cell("levels"))
        except ValueError as exc:
            problems.append(f"{_BY_KEY['levels'].header}: {exc}")
        valid_from = None
        try:
            valid_from = _parse_date(cell("valid_from"))
        except ValueError as exc:
            problems.append(f"{_BY_KEY['valid_from'].header}: {exc}")
        for problem in problems:
            report.errors.append(_("Dòng %(row)s: %(msg)s") % {"row": line, "msg": problem})
        if problems:
            continue
        specs.append(
            RowSpec(
                line=line,
                code=code,
                local_code=local,
                name=name,
                field_name=field_name,
                levels=levels,
                deadline=parse_deadline(cell("deadline"), default_unit),
                fees=parse_fees(cell("fees")),
                agency=cell("agency") if "agency" in positions else None,
                legal_basis=cell("legal_basis") if "legal_basis" in positions else None,
                papers=parse_papers(cell("papers")) if "papers" in positions else None,
                steps=cell("steps") if "steps" in positions else None,
                valid_from=valid_from,
            )
        )
    return specs


def _resolve_duplicates(
    specs: list[RowSpec], report: NationalReport, on_duplicate: str, choices: dict[str, int]
) -> list[RowSpec]:
    by_code: dict[str, list[RowSpec]] = {}
    for spec in specs:
        if spec.code:
            by_code.setdefault(spec.code, []).append(spec)
    drop: set[int] = set()
    for code, group in by_code.items():
        if len(group) < 2:
            continue
        distinct = {s.content() for s in group}
        if len(distinct) == 1:
            for other in group[1:]:
                drop.add(other.line)
                report.notes.append(
                    _("Dòng %(row)s trùng hoàn toàn dòng %(first)s (mã %(code)s); bỏ qua.")
                    % {"row": other.line, "first": group[0].line, "code": code}
                )
            continue
        chosen = choices.get(code)
        kept = next((s for s in group if s.line == chosen), None)
        if kept is None:
            kept = group[-1] if on_duplicate == "last" else group[0]
        others = [s for s in group if s is not kept]
        drop.update(s.line for s in others)
        report.duplicates.append(Duplicate(code, kept, others))
        report.notes.append(
            _("Mã %(code)s có ở các dòng %(rows)s với nội dung khác nhau; giữ dòng %(kept)s.")
            % {"code": code, "rows": ", ".join(str(s.line) for s in group), "kept": kept.line}
        )
    return [s for s in specs if s.line not in drop]


def national_import(
    data: bytes,
    *,
    filename: str,
    by: Any,
    units: Iterable[str | Unit] = (),
    default_unit: str = "",
    on_duplicate: str = "first",
    choices: dict[str, int] | None = None,
    dry_run: bool = True,
) -> NationalReport:
    """Import (or, with ``dry_run``, try) a national listing; see the module docstring.

    Raises NationalImportError when the file itself cannot be read; problems of rows are in
    ``report.errors``, and then nothing was written.
    """
    ensure_catalogue_admin(by)
    if default_unit and default_unit not in {DurationKind.WORKING_DAYS, DurationKind.CALENDAR_DAYS}:
        raise NationalImportError([_("Đơn vị mặc định phải là ngày làm việc hoặc ngày.")])
    if on_duplicate not in {"first", "last"}:
        raise NationalImportError([_("Cách xử lý mã trùng phải là first hoặc last.")])
    report = NationalReport(dry_run=dry_run)
    specs = parse_file(data, filename, default_unit=default_unit, report=report)
    specs = _resolve_duplicates(specs, report, on_duplicate, choices or {})
    offer_units: list[Unit] = []
    for code in units:
        unit = code if isinstance(code, Unit) else unit_by_code(code)
        if unit is None:
            report.errors.append(_("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": code})
        elif unit.dissolved_at is not None or unit.kind not in Level.values:
            report.errors.append(
                _(
                    "Đơn vị “%(name)s” không nhận thủ tục (đã giải thể hoặc không phải tỉnh, huyện, xã)."
                )
                % {"name": unit.name}
            )
        elif unit not in offer_units:
            offer_units.append(unit)
    try:
        with transaction.atomic():
            applier = _Applier(by, offer_units)
            for spec in specs:
                try:
                    with transaction.atomic():
                        report.entries.append(applier.apply(spec))
                except ValidationError as exc:
                    for message in exc.messages:
                        report.errors.append(
                            _("Dòng %(row)s (%(name)s): %(msg)s")
                            % {"row": spec.line, "name": spec.name[:80], "msg": message}
                        )
                except PermissionDenied as exc:
                    report.errors.append(
                        _("Dòng %(row)s: %(msg)s") % {"row": spec.line, "msg": str(exc)}
                    )
            report.offers = [(u, applier.offers.get(u.pk, 0)) for u in offer_units]
            if report.errors or dry_run:
                raise _Rollback
            audit_record(
                actor=by,
                action="procedure.national_import",
                data={
                    "file": filename[:200],
                    "new": report.count("new"),
                    "updated": report.count("updated"),
                    "unchanged": report.count("unchanged"),
                    "flagged": len(report.flagged),
                    "units": [u.pk for u in offer_units],
                },
            )
            report.applied = True
    except _Rollback:
        report.applied = False
    return report


class _Applier:
    """Applies rows one by one through the services, remembering what earlier rows created."""

    def __init__(self, by: Any, units: list[Unit]) -> None:
        self.by = by
        self.units = units
        self.offers: dict[int, int] = {}  # unit id → procedures it receives from this file
        self.fields = {_field_key(f.name): f for f in Field.objects.all()}
        self.today = timezone.localdate()

    def field_for(self, name: str) -> Field:
        key = _field_key(name)
        found = self.fields.get(key)
        if found is not None:
            return found
        label = re.sub(r"^\s*lĩnh vực\s+", "", name, flags=re.IGNORECASE).strip()
        label = label[:1].upper() + label[1:]
        base = slugify(key)[:45] or "linh-vuc"
        code, n = base, 2
        while Field.objects.filter(code=code).exists():
            code, n = f"{base}-{n}", n + 1
        obj = Field(code=code, name=label[:200])
        obj.full_clean()
        obj.save()
        audit_record(
            actor=self.by, action="procedure.field_create", target=obj, data={"code": code}
        )
        self.fields[key] = obj
        return obj

    def match(self, spec: RowSpec, fld: Field) -> Procedure | None:
        if spec.code:
            found = Procedure.objects.filter(national_code=spec.code).first()
            if found is not None:
                return found
        wanted = fold_words(spec.name)
        for candidate in Procedure.objects.filter(field=fld).only("pk", "name", "national_code"):
            if fold_words(candidate.name) == wanted and (
                not spec.code or not candidate.national_code
            ):
                return Procedure.objects.get(pk=candidate.pk)
        return None

    def _slug(self, spec: RowSpec) -> str:
        base = slugify(fold(spec.name))[:100].strip("-") or "thu-tuc"
        slug = base
        if Procedure.objects.filter(slug=slug).exists():
            slug = f"{base[:100]}-{spec.code.replace('.', '')}" if spec.code else base
        n = 2
        while Procedure.objects.filter(slug=slug).exists():
            slug, n = f"{base[:100]}-{n}", n + 1
        return slug

    def values(self, spec: RowSpec) -> dict[str, Any]:
        values = {
            "name": spec.name,
            "duration": spec.deadline.duration,
            "duration_kind": spec.deadline.kind,
            "duration_note": spec.deadline.text,
            "fee_note": spec.fees.text,
            "implementing_agency": spec.agency,
            "legal_basis": spec.legal_basis,
            "steps": spec.steps,
            "review_flags": [f.as_dict() for f in spec.flags],
        }
        # A column the file does not have leaves the procedure's text as it is.
        return {k: v for k, v in values.items() if v is not None}

    @staticmethod
    def fee_rows(spec: RowSpec) -> list[dict[str, Any]]:
        return [
            {
                "kind": f.kind,
                "name": f.name,
                "amount": f.amount,
                "per_unit": f.per_unit,
                "from_unit": f.from_unit,
                "max_amount": f.max_amount,
                "condition": f.condition,
            }
            for f in spec.fees.fees
        ]

    @staticmethod
    def diff(
        spec: RowSpec, procedure: Procedure, latest: ProcedureVersion | None
    ) -> list[tuple[str, str, str]]:
        changes: list[tuple[str, str, str]] = []

        def add(label: str, old: Any, new: Any) -> None:
            if (old or "") != (new or ""):
                changes.append((label, str(old or ""), str(new or "")))

        add(_("Mã thủ tục"), procedure.national_code, spec.code or procedure.national_code)
        add(_("Ký hiệu của tỉnh"), procedure.local_code, spec.local_code or procedure.local_code)
        add(_("Cấp thực hiện"), procedure.levels or procedure.level, ",".join(spec.levels))
        if latest is None:
            return changes
        add(_("Tên thủ tục"), latest.name, spec.name)
        add(_("Thời hạn giải quyết"), latest.duration_note, spec.deadline.text)
        add(_("Phí, lệ phí"), latest.fee_note, spec.fees.text)
        if spec.agency is not None:
            add(_("Cơ quan thực hiện"), latest.implementing_agency, spec.agency)
        if spec.legal_basis is not None:
            add(_("Căn cứ pháp lý"), latest.legal_basis, spec.legal_basis)
        if spec.steps is not None:
            add(_("Trình tự thực hiện"), latest.steps, spec.steps)
        if spec.papers is not None:
            add(
                _("Thành phần hồ sơ"),
                "\n".join(p.name for p in latest.papers.order_by("order")),
                "\n".join(spec.papers),
            )
        if spec.valid_from and spec.valid_from != latest.valid_from and not latest.is_published:
            add(
                _("Ngày hiệu lực"),
                latest.valid_from.strftime("%d/%m/%Y"),
                spec.valid_from.strftime("%d/%m/%Y"),
            )
        return changes

    def apply(self, spec: RowSpec) -> Entry:
        fld = self.field_for(spec.field_name)
        procedure = self.match(spec, fld)
        entry = Entry(spec.line, "new", spec.name, spec.code, fld.name, spec.levels)
        version: ProcedureVersion
        if procedure is None:
            procedure = procedure_create(
                by=self.by,
                name=spec.name,
                slug=self._slug(spec),
                field=fld,
                level=spec.levels[0],
                national_code=spec.code,
            )
            procedure_update(
                by=self.by,
                procedure=procedure,
                levels=",".join(spec.levels),
                local_code=spec.local_code,
            )
            version = version_create_draft(
                by=self.by,
                procedure=procedure,
                valid_from=spec.valid_from or self.today,
                **self.values(spec),
            )
            version_set_content(
                by=self.by,
                version=version,
                papers=[{"name": p} for p in spec.papers or []],
                fees=self.fee_rows(spec),
            )
        else:
            latest = procedure.versions.order_by("-number").first()
            entry.diff = self.diff(spec, procedure, latest)
            if not entry.diff:
                entry.action = "unchanged"
                entry.procedure_slug = procedure.slug
                entry.published = bool(latest and latest.is_published)
                if latest is not None:
                    entry.flags = list(latest.review_flags)
                    entry.missing = [] if latest.is_published else structure_problems(latest)
                    entry.awaiting_approval = not (
                        latest.is_published or review_problems(latest) or entry.missing
                    )
                self.offer(procedure, spec)
                return entry
            entry.action = "updated"
            procedure_update(
                by=self.by,
                procedure=procedure,
                national_code=spec.code or procedure.national_code,
                local_code=spec.local_code or procedure.local_code,
                levels=",".join(spec.levels),
                level=spec.levels[0],
            )
            content_changed = any(
                label
                not in {str(_("Mã thủ tục")), str(_("Ký hiệu của tỉnh")), str(_("Cấp thực hiện"))}
                for label, _o, _n in entry.diff
            )
            if latest is not None and not content_changed:
                version = latest
            elif latest is not None and not latest.is_published:
                version = version_update_draft(
                    by=self.by,
                    version=latest,
                    **self.values(spec),
                    **({"valid_from": spec.valid_from} if spec.valid_from else {}),
                )
                version_set_content(
                    by=self.by,
                    version=version,
                    papers=None if spec.papers is None else [{"name": p} for p in spec.papers],
                    fees=self.fee_rows(spec),
                )
            else:
                valid_from = spec.valid_from
                if valid_from is None:
                    # No date in the file: today, or the day after the version in force began.
                    valid_from = (
                        max(self.today, latest.valid_from + dt.timedelta(days=1))
                        if latest
                        else self.today
                    )
                number = (latest.number + 1) if latest else 1
                check_valid_from(procedure.pk, number, valid_from)
                version = version_create_draft(
                    by=self.by, procedure=procedure, valid_from=valid_from, **self.values(spec)
                )
                version_set_content(
                    by=self.by,
                    version=version,
                    papers=None if spec.papers is None else [{"name": p} for p in spec.papers],
                    fees=self.fee_rows(spec),
                )
        entry.procedure_slug = procedure.slug
        entry.flags = list(version.review_flags)
        if not version.is_published:
            entry.missing = structure_problems(version)
            if (
                not review_problems(version)
                and not entry.missing
                and not self.has_published(procedure)
            ):
                # Only a procedure nobody has published yet goes live from the file. A change
                # to a published one is a draft a person approves (issue #13: "a new draft
                # version"); until then the version in force stays live.
                version_publish(by=self.by, version=version)
                entry.published = True
            elif not review_problems(version) and not entry.missing:
                entry.awaiting_approval = True
        else:
            entry.published = True
        self.offer(procedure, spec)
        return entry

    @staticmethod
    def has_published(procedure: Procedure) -> bool:
        return procedure.versions.filter(is_published=True).exists()

    def offer(self, procedure: Procedure, spec: RowSpec) -> None:
        for unit in self.units:
            if unit.kind in spec.levels:
                unit_offer(by=self.by, unit=unit, procedure=procedure)
                self.offers[unit.pk] = self.offers.get(unit.pk, 0) + 1


def version_changes(
    in_force: ProcedureVersion, draft: ProcedureVersion
) -> list[tuple[str, str, str]]:
    """What a draft changes in the version in force, as (label, old, new), for the person who
    approves it. Both versions need ``papers`` prefetched."""
    changes: list[tuple[str, str, str]] = []

    def add(label: str, old: Any, new: Any) -> None:
        if (old or "") != (new or ""):
            changes.append((label, str(old or ""), str(new or "")))

    add(_("Tên thủ tục"), in_force.name, draft.name)
    add(_("Thời hạn giải quyết"), in_force.duration_display, draft.duration_display)
    add(_("Ghi chú thời hạn"), in_force.duration_note, draft.duration_note)
    add(_("Phí, lệ phí"), in_force.fee_note, draft.fee_note)
    add(_("Cơ quan thực hiện"), in_force.implementing_agency, draft.implementing_agency)
    add(_("Căn cứ pháp lý"), in_force.legal_basis, draft.legal_basis)
    add(_("Trình tự thực hiện"), in_force.steps, draft.steps)
    add(
        _("Thành phần hồ sơ"),
        "\n".join(p.name for p in in_force.papers.all()),
        "\n".join(p.name for p in draft.papers.all()),
    )
    return changes


def needs_review() -> list[ProcedureVersion]:
    """Drafts the imports left for a person: flagged, missing papers or internal steps, or a
    change to a published procedure waiting for approval (``in_force`` and ``changes`` set).
    A fixed number of queries, whatever the number of drafts."""
    drafts = list(
        ProcedureVersion.objects.filter(is_published=False)
        .select_related("procedure__field")
        .prefetch_related("papers", "internal_steps")
        .order_by("procedure__field__name", "name")
    )
    in_force: dict[int, ProcedureVersion] = {}
    for version in (
        ProcedureVersion.objects.filter(
            is_published=True, procedure_id__in={d.procedure_id for d in drafts}
        )
        .prefetch_related("papers")
        .order_by("procedure_id", "-number")
    ):
        in_force.setdefault(version.procedure_id, version)
    for draft in drafts:
        budgets = [s.budget for s in draft.internal_steps.all()]
        draft.problems = version_problems(  # type: ignore[attr-defined]
            draft, papers=len(draft.papers.all()), budgets=budgets
        )
        # No steps, or steps copied from the version in force that no longer add up to the
        # new deadline: the default plan is offered (it replaces them).
        draft.steps_off = not steps_add_up(draft, budgets)  # type: ignore[attr-defined]
        current = in_force.get(draft.procedure_id)
        draft.in_force = current  # type: ignore[attr-defined]
        draft.changes = version_changes(current, draft) if current else []  # type: ignore[attr-defined]
    return drafts
