"""Import and export of the catalogue as an XLSX workbook (layout in docs/procedures.md).

Import reads and validates the whole workbook first and writes nothing unless every row of
every sheet is valid; then it writes everything in one transaction. Errors name the sheet,
row and column in Vietnamese, the way an officer finds them in the spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from congso.audit.services import audit_record
from congso.core.exports import append_text_row
from congso.org.models import Unit
from congso.org.selectors import unit_by_code
from congso.search.normalize import fold

from .models import (
    DurationKind,
    Fee,
    Field,
    InternalStep,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    StepActor,
    UnitProcedure,
)
from .national import MAX_COLUMNS, _field_key, check_zip
from .parsing import AmountError, parse_amount
from .services import (
    VERSION_COPY_FIELDS,
    ensure_catalogue_admin,
    version_create_draft,
    version_problems,
    version_publish,
    version_set_content,
    version_update_draft,
)

# A catalogue of a few thousand procedures is well under 2 MB; anything far larger is not one.
IMPORT_MAX_BYTES: int = getattr(settings, "PROCEDURES_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = 20000

YES, NO = "Có", "Không"

# Headers people type for a column of the template (folded) → the template's header.
HEADER_HINTS = {
    "ma thu tuc": "Mã TTHC",
    "ma tthc quoc gia": "Mã TTHC",
    "khoa": "Khóa (đường dẫn)",
    "duong dan": "Khóa (đường dẫn)",
    "linh vuc": "Tên lĩnh vực",
    "cong bo": "Đã công bố",
    "thoi han giai quyet": "Thời hạn",
    "phi le phi": "Phí, lệ phí (mô tả)",
    "so tien": "Số tiền (đồng)",
    "muc thu": "Số tiền (đồng)",
}


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text, int, decimal, date, bool, choice, json
    required: bool = False
    choices: type[Any] | None = None
    width: int = 18


THU_TUC = [
    Column("Khóa (đường dẫn)", "slug", required=True, width=36),
    Column("Mã TTHC", "national_code", width=11),
    Column("Tên thủ tục", "name", required=True, width=50),
    Column("Mã lĩnh vực", "field_code", required=True),
    Column("Tên lĩnh vực", "field_name", required=True, width=26),
    Column("Cấp thực hiện", "level", "choice", required=True, choices=Level, width=12),
    Column("Phiên bản", "number", "int", required=True, width=9),
    Column("Hiệu lực từ", "valid_from", "date", required=True, width=12),
    Column("Hiệu lực đến", "valid_to", "date", width=12),
    Column("Đã công bố", "is_published", "bool", width=10),
    Column("Thời hạn", "duration", "decimal", required=True, width=9),
    Column(
        "Đơn vị thời hạn", "duration_kind", "choice", required=True, choices=DurationKind, width=15
    ),
    Column("Ghi chú thời hạn", "duration_note", width=30),
    Column("Số bộ hồ sơ", "sets", "int", width=9),
    Column("Nộp trực tiếp", "via_counter", "bool", width=9),
    Column("Nộp qua bưu chính", "via_post", "bool", width=9),
    Column("Nộp trực tuyến", "via_online", "bool", width=9),
    Column("Mức độ 2015", "online_level_2015", "int", width=9),
    Column("Mức độ trực tuyến", "online_level", "choice", choices=OnlineLevel, width=16),
    Column("Chỉ bổ sung một lần", "supplement_once", "bool", width=9),
    Column("Trình tự thực hiện", "steps", width=50),
    Column("Đối tượng thực hiện", "applicants", width=30),
    Column("Cơ quan thực hiện", "implementing_agency", width=30),
    Column("Kết quả", "result", width=30),
    Column("Phí, lệ phí (mô tả)", "fee_note", width=30),
    Column("Yêu cầu, điều kiện", "conditions", width=30),
    Column("Căn cứ pháp lý", "legal_basis", width=40),
    Column("Biểu mẫu điện tử (JSON)", "form_schema", "json", width=40),
]
GIAY_TO = [
    Column("Khóa (đường dẫn)", "slug", required=True, width=36),
    Column("Phiên bản", "number", "int", required=True, width=9),
    Column("Thứ tự", "order", "int", required=True, width=7),
    Column("Tên giấy tờ", "name", required=True, width=60),
    Column("Mẫu đơn, tờ khai", "form_name", width=30),
    Column("Số bản chính", "originals", "int", width=9),
    Column("Số bản sao", "copies", "int", width=9),
    Column("Bắt buộc", "required", "bool", width=9),
    Column("Tệp mẫu", "form_file", width=40),
]
LE_PHI = [
    Column("Khóa (đường dẫn)", "slug", required=True, width=36),
    Column("Phiên bản", "number", "int", required=True, width=9),
    Column("Loại", "kind", "choice", required=True, choices=Fee.Kind, width=9),
    Column("Tên khoản thu", "name", required=True, width=40),
    Column("Số tiền (đồng)", "amount", "money", required=True, width=14),
    Column("Ghi chú", "note", width=40),
    Column("Tính theo", "per_unit", width=14),
    Column("Từ đơn vị thứ", "from_unit", "int", width=9),
    Column("Mức thu tối đa (đồng)", "max_amount", "money", width=14),
    Column("Áp dụng khi", "condition", width=40),
]
QUY_TRINH = [
    Column("Khóa (đường dẫn)", "slug", required=True, width=36),
    Column("Phiên bản", "number", "int", required=True, width=9),
    Column("Bước", "order", "int", required=True, width=6),
    Column("Nội dung công việc", "name", required=True, width=50),
    Column("Người thực hiện", "actor", "choice", required=True, choices=StepActor, width=24),
    Column("Phòng chuyên môn", "department", width=12),
    Column("Thời gian", "budget", "decimal", required=True, width=9),
    Column("Biểu mẫu", "form_name", width=24),
]
DON_VI = [
    Column("Khóa (đường dẫn)", "slug", required=True, width=36),
    Column("Mã đơn vị", "unit_code", required=True, width=14),
    Column("Tên đơn vị", "unit_name", width=36),
    Column("Đang áp dụng", "is_active", "bool", width=10),
]
SHEETS: dict[str, list[Column]] = {
    "ThuTuc": THU_TUC,
    "GiayTo": GIAY_TO,
    "LePhi": LE_PHI,
    "QuyTrinh": QUY_TRINH,
    "DonVi": DON_VI,
}
REQUIRED_SHEETS = ["ThuTuc", "GiayTo", "LePhi", "QuyTrinh"]

VERSION_KEYS = [
    c.key
    for c in THU_TUC
    if c.key not in {"slug", "national_code", "field_code", "field_name", "level", "number"}
]
FEE_KEYS = ["kind", "name", "amount", "note", "per_unit", "from_unit", "max_amount", "condition"]
DEFAULTS: dict[str, Any] = {
    "is_published": False,
    "sets": 1,
    "via_counter": True,
    "via_post": True,
    "via_online": False,
    "online_level_2015": 2,
    "online_level": OnlineLevel.NONE,
    "supplement_once": True,
    "originals": 1,
    "copies": 0,
    "required": True,
    "is_active": True,
    "form_schema": [],
}


# ---------------------------------------------------------------- export


def _cell(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if column.kind == "bool":
        return YES if value else NO
    if column.kind == "choice" and column.choices is not None:
        return str(column.choices(value).label)
    if column.kind == "decimal":
        number = Decimal(value)
        return int(number) if number == number.to_integral() else float(number)
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False) if value else None
    if value == "":
        return None
    return value


def _write_sheet(
    wb: Workbook, title: str, columns: list[Column], rows: Iterable[dict[str, Any]]
) -> None:
    ws = wb.create_sheet(title)
    ws.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F0F4")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    for row in rows:
        append_text_row(
            ws, [_cell(row.get(c.key), c) for c in columns]
        )  # text stays text (ADR 0091)
        for i, column in enumerate(columns, start=1):
            if column.kind == "date":
                ws.cell(row=ws.max_row, column=i).number_format = "DD/MM/YYYY"


def catalogue_rows() -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue as plain rows per sheet (one query per table)."""
    versions = list(
        ProcedureVersion.objects.select_related("procedure__field").order_by(
            "procedure__slug", "number"
        )
    )
    papers = defaultdict(list)
    for paper in RequiredPaper.objects.order_by("version_id", "order", "pk"):
        papers[paper.version_id].append(paper)
    fees = defaultdict(list)
    for fee in Fee.objects.order_by("version_id", "pk"):
        fees[fee.version_id].append(fee)
    steps = defaultdict(list)
    for step in InternalStep.objects.order_by("version_id", "order"):
        steps[step.version_id].append(step)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    for v in versions:
        proc = v.procedure
        row = {
            "slug": proc.slug,
            "national_code": proc.national_code,
            "name": v.name,
            "field_code": proc.field.code,
            "field_name": proc.field.name,
            "level": proc.level,
            "number": v.number,
        }
        row.update({key: getattr(v, key) for key in VERSION_KEYS if key != "name"})
        out["ThuTuc"].append(row)
        for p in papers[v.pk]:
            out["GiayTo"].append(
                {
                    "slug": proc.slug,
                    "number": v.number,
                    "order": p.order,
                    "name": p.name,
                    "form_name": p.form_name,
                    "originals": p.originals,
                    "copies": p.copies,
                    "required": p.required,
                    "form_file": p.form_file.name or "",
                }
            )
        for f in fees[v.pk]:
            out["LePhi"].append(
                {"slug": proc.slug, "number": v.number, **{k: getattr(f, k) for k in FEE_KEYS}}
            )
        for s in steps[v.pk]:
            out["QuyTrinh"].append(
                {
                    "slug": proc.slug,
                    "number": v.number,
                    "order": s.order,
                    "name": s.name,
                    "actor": s.actor,
                    "department": s.department,
                    "budget": s.budget,
                    "form_name": s.form_name,
                }
            )
    for offer in UnitProcedure.objects.select_related("unit", "procedure").order_by(
        "procedure__slug", "unit__path"
    ):
        out["DonVi"].append(
            {
                "slug": offer.procedure.slug,
                "unit_code": offer.unit.agency_id or offer.unit.stats_code,
                "unit_name": offer.unit.name,
                "is_active": offer.is_active,
            }
        )
    return out


def catalogue_export(*, by: Any) -> bytes:
    """The catalogue as XLSX bytes (all versions, drafts included, and the offering units)."""
    ensure_catalogue_admin(by)
    rows = catalogue_rows()
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, columns in SHEETS.items():
        _write_sheet(wb, name, columns, rows[name])
    buffer = io.BytesIO()
    wb.save(buffer)
    audit_record(
        actor=by, action="procedure.catalogue_export", data={"versions": len(rows["ThuTuc"])}
    )
    return buffer.getvalue()


# ---------------------------------------------------------------- import


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Sheet %(sheet)s, dòng %(row)s, cột %(col)s: %(msg)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "col": self.column,
                "msg": self.message,
            }
        if self.row:
            return _("Sheet %(sheet)s, dòng %(row)s: %(msg)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "msg": self.message,
            }
        if self.sheet:
            return _("Sheet %(sheet)s: %(msg)s") % {"sheet": self.sheet, "msg": self.message}
        return self.message


class CatalogueImportError(ValidationError):
    """The workbook was rejected; ``errors`` lists every problem found, nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__([str(e) for e in errors])


@dataclass
class Row:
    sheet: str
    number: int  # spreadsheet row number, 1-based, header is row 1
    values: dict[str, Any]
    letters: dict[str, str]
    bad: bool = False  # a cell failed to parse: only the checks its good cells allow run


@dataclass
class ImportResult:
    procedures_created: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    versions_unchanged: int = 0
    offers: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "Đã nhập: %(p)s thủ tục mới, %(c)s phiên bản mới, %(u)s bản nháp cập nhật, "
            "%(s)s phiên bản không đổi, %(o)s đơn vị tiếp nhận."
        ) % {
            "p": self.procedures_created,
            "c": self.versions_created,
            "u": self.versions_updated,
            "s": self.versions_unchanged,
            "o": self.offers,
        }


def _label_lookup(choices: type[Any]) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[fold(str(label))] = value
        lookup[fold(str(value))] = value
    return lookup


def _parse(raw: Any, column: Column) -> Any:
    """One cell to a Python value; raises ValueError with a Vietnamese message."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if column.required:
            raise ValueError(_("không được để trống."))
        if column.key == "is_published":
            # A blank here used to import a draft that never appears; say which it is.
            raise ValueError(_("để trống: ghi “Có” (công bố) hoặc “Không” (bản nháp)."))
        return DEFAULTS.get(
            column.key, None if column.kind in {"date", "int", "decimal", "money"} else ""
        )
    if column.kind == "text":
        return str(raw).strip() if not isinstance(raw, float) else str(raw)
    if column.kind == "money":
        try:
            return parse_amount(raw)
        except AmountError as exc:
            raise ValueError(str(exc)) from None
    if column.kind == "int":
        if isinstance(raw, bool):
            raise ValueError(_("phải là số nguyên."))
        try:
            number = Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("phải là số nguyên."))
        if number != number.to_integral() or number < 0:
            raise ValueError(_("phải là số nguyên không âm."))
        return int(number)
    if column.kind == "decimal":
        try:
            number = Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("phải là số (ví dụ 0,5 hoặc 15)."))
        if number < 0 or not number.is_finite():
            raise ValueError(_("không được âm."))
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(_("tối đa hai chữ số thập phân."))
        return number.quantize(Decimal("0.01")).normalize()
    if column.kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(str(raw), fmt).date()
            except ValueError:
                continue
        raise ValueError(_("ngày phải có dạng dd/mm/yyyy."))
    if column.kind == "bool":
        text = fold(str(raw))
        if text in {"co", "x", "1", "true", "yes"}:
            return True
        if text in {"khong", "0", "false", "no"}:
            return False
        raise ValueError(_("chỉ nhận “Có” hoặc “Không”."))
    if column.kind == "choice":
        assert column.choices is not None
        value = _label_lookup(column.choices).get(fold(str(raw)))
        if value is None:
            labels = ", ".join(str(label) for _v, label in column.choices.choices)
            raise ValueError(
                _("giá trị “%(value)s” không hợp lệ; chọn một trong: %(labels)s.")
                % {"value": raw, "labels": labels}
            )
        return value
    if column.kind == "json":
        try:
            return json.loads(str(raw))
        except json.JSONDecodeError as exc:
            raise ValueError(_("JSON không hợp lệ (%(msg)s).") % {"msg": exc.msg})
    raise AssertionError(column.kind)


def _open_workbook(data: bytes, errors: list[RowError]) -> Any:
    if len(data) > IMPORT_MAX_BYTES:
        errors.append(
            RowError(
                "",
                0,
                "",
                _("Tệp quá lớn (%(size)s MB, tối đa %(max)s MB).")
                % {
                    "size": round(len(data) / 1024 / 1024, 1),
                    "max": IMPORT_MAX_BYTES // 1024 // 1024,
                },
            )
        )
        return None
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        errors.append(RowError("", 0, "", _("Tệp không phải bảng tính XLSX (Excel 2007 trở lên).")))
        return None
    problem = check_zip(data)
    if problem:
        errors.append(RowError("", 0, "", problem))
        return None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        errors.append(
            RowError("", 0, "", _("Không đọc được tệp XLSX: tệp hỏng hoặc sai định dạng."))
        )
        return None


def _read_sheet(wb: Any, name: str, columns: list[Column], errors: list[RowError]) -> list[Row]:
    if name not in wb.sheetnames:
        if name in REQUIRED_SHEETS:
            errors.append(RowError(name, 0, "", _("thiếu sheet này trong tệp.")))
        return []
    ws = wb[name]
    # The sheet's declared dimension is the sender's: without max_col, read-only openpyxl pads
    # every row to it (16,384 columns for "A1:XFD…").
    rows_iter = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header = next(rows_iter, None) or ()
    positions: dict[str, int] = {}
    by_header = {fold(str(h)): i for i, h in enumerate(header) if h is not None}
    for column in columns:
        pos = by_header.get(fold(column.header))
        if pos is None:
            if column.required:
                errors.append(
                    RowError(name, 1, "", _("thiếu cột “%(col)s”.") % {"col": column.header})
                )
            continue
        positions[column.key] = pos
    known = {fold(c.header) for c in columns}
    for i, h in enumerate(header):
        if h is None or not str(h).strip() or fold(str(h)) in known:
            continue
        hint = HEADER_HINTS.get(" ".join(fold(str(h)).replace(",", " ").split()))
        message = _("cột “%(col)s” không có trong mẫu nên sẽ bị bỏ qua; hãy đổi tên cột") % {
            "col": str(h).strip()
        }
        if hint:
            message += _(" thành “%(hint)s”") % {"hint": hint}
        errors.append(RowError(name, 1, get_column_letter(i + 1), message + _(" hoặc xóa cột.")))
    if any(c.required and c.key not in positions for c in columns):
        return []
    rows: list[Row] = []
    for offset, values in enumerate(rows_iter, start=2):
        if offset > MAX_ROWS:
            errors.append(
                RowError(name, offset, "", _("quá nhiều dòng (tối đa %(n)s).") % {"n": MAX_ROWS})
            )
            break
        if values is None or all(
            v is None or (isinstance(v, str) and not v.strip()) for v in values
        ):
            continue
        parsed: dict[str, Any] = {}
        letters: dict[str, str] = {}
        bad = False
        for column in columns:
            pos = positions.get(column.key)
            letter = get_column_letter(pos + 1) if pos is not None else ""
            letters[column.key] = letter
            raw = values[pos] if pos is not None and pos < len(values) else None
            try:
                parsed[column.key] = _parse(raw, column)
            except ValueError as exc:
                errors.append(RowError(name, offset, letter, f"{column.header} {exc}"))
                parsed[column.key] = None
                bad = True
        rows.append(Row(name, offset, parsed, letters, bad))
    return rows


def _model_errors(
    row: Row, instance: Any, exclude: list[str], key_map: dict[str, str], errors: list[RowError]
) -> None:
    """Run the model's own validation and map each failing field to its column."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            key = key_map.get(field_name, field_name)
            for message in messages:
                errors.append(RowError(row.sheet, row.number, row.letters.get(key, ""), message))


def _canonical_version(
    values: dict[str, Any],
    papers: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    steps: list[dict[str, Any]],
) -> Any:
    def norm(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v.normalize())
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, list | dict):
            return json.dumps(v, sort_keys=True, ensure_ascii=False)
        return v if v is not None else ""

    return (
        tuple(sorted((k, norm(values.get(k))) for k in VERSION_KEYS if k != "valid_to")),
        tuple(
            sorted(
                tuple(
                    sorted(
                        (k, norm(v))
                        for k, v in p.items()
                        if k not in {"slug", "number", "form_file"}
                    )
                )
                for p in papers
            )
        ),
        tuple(
            sorted(
                tuple(sorted((k, norm(v)) for k, v in f.items() if k not in {"slug", "number"}))
                for f in fees
            )
        ),
        tuple(
            sorted(
                tuple(sorted((k, norm(v)) for k, v in s.items() if k not in {"slug", "number"}))
                for s in steps
            )
        ),
    )


def catalogue_import(
    data: bytes | BinaryIO, *, by: Any, confirm_field_renames: bool = False
) -> ImportResult:
    """Import a catalogue workbook. Raises ``CatalogueImportError`` listing every bad row and
    column — cell errors and the cross-row checks together, in one pass; in that case nothing
    at all was saved. A field code whose name differs from the stored one (other than by case,
    diacritics or a "Lĩnh vực" prefix) renames that field for every procedure, so it is refused
    unless ``confirm_field_renames``."""
    ensure_catalogue_admin(by)
    raw = data if isinstance(data, bytes) else data.read(IMPORT_MAX_BYTES + 1)
    errors: list[RowError] = []
    wb = _open_workbook(raw, errors)
    if wb is None:
        raise CatalogueImportError(errors)
    sheets = {name: _read_sheet(wb, name, columns, errors) for name, columns in SHEETS.items()}
    wb.close()
    plan = _validate(sheets, errors, confirm_field_renames=confirm_field_renames)
    if errors:
        raise CatalogueImportError(
            sorted(
                errors,
                key=lambda e: (list(SHEETS).index(e.sheet) if e.sheet in SHEETS else -1, e.row),
            )
        )
    try:
        with transaction.atomic():
            result = _write(plan, by)
            audit_record(
                actor=by,
                action="procedure.catalogue_import",
                data={
                    "procedures_created": result.procedures_created,
                    "versions_created": result.versions_created,
                    "versions_updated": result.versions_updated,
                    "offers": result.offers,
                },
            )
    except ValidationError as exc:
        raise CatalogueImportError([RowError("", 0, "", m) for m in exc.messages]) from None
    return result


@dataclass
class Plan:
    procedures: dict[str, Row]  # slug -> the row of its newest version (procedure attributes)
    versions: dict[tuple[str, int], Row]
    children: dict[str, dict[tuple[str, int], list[Row]]]
    offers: list[tuple[Row, Unit]]
    fields: dict[str, str]
    existing: dict[tuple[str, int], ProcedureVersion]


def _validate(
    sheets: dict[str, list[Row]], errors: list[RowError], *, confirm_field_renames: bool = False
) -> Plan:
    versions: dict[tuple[str, int], Row] = {}
    procedures: dict[str, Row] = {}
    fields: dict[str, str] = {}
    field_rows: dict[str, Row] = {}
    codes: dict[str, str] = {}
    code_rows: dict[str, Row] = {}
    for row in sheets["ThuTuc"]:
        v = row.values
        key = (v["slug"], v["number"])
        if None not in key and key in versions:
            errors.append(
                RowError(
                    "ThuTuc",
                    row.number,
                    row.letters["number"],
                    _("phiên bản %(n)s của thủ tục %(slug)s ở dòng %(row)s trùng dòng %(first)s.")
                    % {
                        "n": v["number"],
                        "slug": v["slug"],
                        "row": row.number,
                        "first": versions[key].number,
                    },
                )
            )
            continue
        if v["national_code"]:
            other = codes.setdefault(v["national_code"], v["slug"])
            first = code_rows.setdefault(v["national_code"], row)
            if other != v["slug"]:
                errors.append(
                    RowError(
                        "ThuTuc",
                        row.number,
                        row.letters["national_code"],
                        _(
                            "mã TTHC %(code)s ở dòng %(row)s (thủ tục %(slug)s) đã dùng ở dòng "
                            "%(first)s cho thủ tục %(other)s."
                        )
                        % {
                            "code": v["national_code"],
                            "row": row.number,
                            "slug": v["slug"],
                            "first": first.number,
                            "other": other,
                        },
                    )
                )
        if v["field_code"] and v["field_name"]:
            if v["field_code"] in fields and _field_key(fields[v["field_code"]]) != _field_key(
                v["field_name"]
            ):
                errors.append(
                    RowError(
                        "ThuTuc",
                        row.number,
                        row.letters["field_name"],
                        _(
                            "lĩnh vực %(code)s ở dòng %(row)s tên “%(name)s”, khác dòng %(first)s "
                            "(“%(other)s”)."
                        )
                        % {
                            "code": v["field_code"],
                            "row": row.number,
                            "name": v["field_name"],
                            "first": field_rows[v["field_code"]].number,
                            "other": fields[v["field_code"]],
                        },
                    )
                )
            fields.setdefault(v["field_code"], v["field_name"])
            field_rows.setdefault(v["field_code"], row)
        if row.bad or None in key:
            continue
        versions[key] = row
        if v["number"] < 1:
            errors.append(
                RowError(
                    "ThuTuc", row.number, row.letters["number"], _("Phiên bản phải từ 1 trở lên.")
                )
            )
        if v["valid_to"] and v["valid_to"] < v["valid_from"]:
            errors.append(
                RowError(
                    "ThuTuc",
                    row.number,
                    row.letters["valid_to"],
                    _("ngày hết hiệu lực trước ngày có hiệu lực."),
                )
            )
        if v["slug"] not in procedures or procedures[v["slug"]].values["number"] < v["number"]:
            procedures[v["slug"]] = row
        proc = Procedure(
            slug=v["slug"], name=v["name"], level=v["level"], national_code=v["national_code"]
        )
        _model_errors(row, proc, ["field", "search_text"], {}, errors)
        version = ProcedureVersion(**{k: v[k] for k in VERSION_KEYS}, number=v["number"])
        _model_errors(row, version, ["procedure"], {}, errors)
        fld = Field(code=v["field_code"], name=v["field_name"])
        _model_errors(row, fld, [], {"code": "field_code", "name": "field_name"}, errors)

    # A field code already stored under another name: renaming it changes every procedure of
    # that field, so it needs the administrator's confirmation. Folded-equal names match.
    for stored in Field.objects.filter(code__in=fields):
        wanted = fields[stored.code]
        if _field_key(stored.name) == _field_key(wanted):
            fields[stored.code] = stored.name
        elif not confirm_field_renames:
            row = field_rows[stored.code]
            errors.append(
                RowError(
                    "ThuTuc",
                    row.number,
                    row.letters["field_name"],
                    _(
                        "lĩnh vực %(code)s trong hệ thống tên “%(old)s”, tệp ghi “%(new)s”; đổi tên "
                        "sẽ áp dụng cho mọi thủ tục của lĩnh vực này. Hãy sửa lại tệp hoặc đánh dấu "
                        "xác nhận đổi tên."
                    )
                    % {"code": stored.code, "old": stored.name, "new": wanted},
                )
            )

    # The version-date rule of publishing (services.check_valid_from), across the file and
    # the database: each published version starts after the one before it.
    stored_published: dict[str, dict[int, dt.date]] = defaultdict(dict)
    for pv in ProcedureVersion.objects.filter(
        procedure__slug__in={k[0] for k in versions}, is_published=True
    ).select_related("procedure"):
        stored_published[pv.procedure.slug][pv.number] = pv.valid_from
    by_slug: dict[str, dict[int, tuple[dt.date, Row | None]]] = defaultdict(dict)
    for slug, stored_numbers in stored_published.items():
        for number, valid_from in stored_numbers.items():
            by_slug[slug][number] = (valid_from, None)
    for (slug, number), row in versions.items():
        if row.values["is_published"]:
            by_slug[slug][number] = (row.values["valid_from"], row)
    for slug, dated in by_slug.items():
        ordered = sorted(dated.items())
        for (n_old, (d_old, r_old)), (n_new, (d_new, r_new)) in itertools.pairwise(ordered):
            if d_new <= d_old and (r_new or r_old):
                culprit = r_new or r_old
                assert culprit is not None
                where = _("dòng %(row)s") % {"row": r_old.number} if r_old else _("hệ thống")
                errors.append(
                    RowError(
                        "ThuTuc",
                        culprit.number,
                        culprit.letters["valid_from"],
                        _(
                            "phiên bản %(n)s của %(slug)s có hiệu lực từ %(new)s, không sau phiên bản "
                            "%(m)s (%(old)s, %(where)s)."
                        )
                        % {
                            "n": n_new,
                            "slug": slug,
                            "new": d_new.strftime("%d/%m/%Y"),
                            "m": n_old,
                            "old": d_old.strftime("%d/%m/%Y"),
                            "where": where,
                        },
                    )
                )

    # National codes already used by another procedure in the database.
    if codes:
        for code, slug in Procedure.objects.filter(national_code__in=codes).values_list(
            "national_code", "slug"
        ):
            if slug != codes[code]:
                row = code_rows[code]
                errors.append(
                    RowError(
                        "ThuTuc",
                        row.number,
                        row.letters["national_code"],
                        _(
                            "mã TTHC %(code)s ở dòng %(row)s (thủ tục %(mine)s) đã thuộc thủ tục "
                            "%(slug)s trong hệ thống."
                        )
                        % {"code": code, "row": row.number, "mine": codes[code], "slug": slug},
                    )
                )

    children: dict[str, dict[tuple[str, int], list[Row]]] = {}
    for sheet, model, exclude, unique_key in (
        ("GiayTo", RequiredPaper, ["version", "form_file"], "order"),
        ("LePhi", Fee, ["version"], None),
        ("QuyTrinh", InternalStep, ["version"], "order"),
    ):
        grouped: dict[tuple[str, int], list[Row]] = defaultdict(list)
        for row in sheets[sheet]:
            v = row.values
            key = (v["slug"], v["number"])
            if row.bad:
                continue
            if key not in versions:
                errors.append(
                    RowError(
                        sheet,
                        row.number,
                        row.letters["slug"],
                        _("không có thủ tục “%(slug)s” phiên bản %(n)s trong sheet ThuTuc.")
                        % {"slug": v["slug"], "n": v["number"]},
                    )
                )
                continue
            if unique_key and any(r.values[unique_key] == v[unique_key] for r in grouped[key]):
                errors.append(
                    RowError(
                        sheet,
                        row.number,
                        row.letters[unique_key],
                        _("thứ tự %(n)s ở dòng %(row)s trùng dòng %(first)s của cùng phiên bản.")
                        % {
                            "n": v[unique_key],
                            "row": row.number,
                            "first": next(
                                r.number
                                for r in grouped[key]
                                if r.values[unique_key] == v[unique_key]
                            ),
                        },
                    )
                )
            grouped[key].append(row)
            fields_only = {
                k: val for k, val in v.items() if k not in {"slug", "number", "form_file"}
            }
            _model_errors(row, model(**fields_only), exclude, {}, errors)
        children[sheet] = grouped

    # Publication rules, the same as version_publish.
    for key, row in versions.items():
        if not row.values["is_published"]:
            continue
        probe = ProcedureVersion(
            duration=row.values["duration"], duration_kind=row.values["duration_kind"]
        )
        problems = version_problems(
            probe,
            papers=len(children["GiayTo"].get(key, [])),
            budgets=[r.values["budget"] for r in children["QuyTrinh"].get(key, [])],
        )
        for problem in problems:
            errors.append(
                RowError(
                    "ThuTuc",
                    row.number,
                    row.letters["duration"],
                    _("Thủ tục %(slug)s phiên bản %(n)s đã công bố: %(problem)s")
                    % {"slug": key[0], "n": key[1], "problem": problem},
                )
            )

    # Published versions already in the database cannot change.
    existing = {
        (v.procedure.slug, v.number): v
        for v in ProcedureVersion.objects.filter(procedure__slug__in={k[0] for k in versions})
        .select_related("procedure")
        .prefetch_related("papers", "fees", "internal_steps")
    }
    for key, current in existing.items():
        if key not in versions or not current.is_published:
            continue
        row = versions[key]
        in_file = _canonical_version(
            row.values,
            [r.values for r in children["GiayTo"].get(key, [])],
            [r.values for r in children["LePhi"].get(key, [])],
            [r.values for r in children["QuyTrinh"].get(key, [])],
        )
        in_db = _canonical_version(
            {k: getattr(current, k) for k in VERSION_KEYS},
            [
                {
                    "order": p.order,
                    "name": p.name,
                    "form_name": p.form_name,
                    "originals": p.originals,
                    "copies": p.copies,
                    "required": p.required,
                }
                for p in current.papers.all()
            ],
            [{k: getattr(f, k) for k in FEE_KEYS} for f in current.fees.all()],
            [
                {
                    "order": s.order,
                    "name": s.name,
                    "actor": s.actor,
                    "department": s.department,
                    "budget": s.budget,
                    "form_name": s.form_name,
                }
                for s in current.internal_steps.all()
            ],
        )
        if in_file != in_db:
            errors.append(
                RowError(
                    "ThuTuc",
                    row.number,
                    row.letters["number"],
                    _(
                        "phiên bản %(n)s của thủ tục %(slug)s đã công bố trong hệ thống, "
                        "không được sửa; hãy nhập thành phiên bản mới."
                    )
                    % {"n": key[1], "slug": key[0]},
                )
            )
        elif not row.values["is_published"]:
            errors.append(
                RowError(
                    "ThuTuc",
                    row.number,
                    row.letters["is_published"],
                    _("phiên bản đã công bố không thể trở lại bản nháp."),
                )
            )

    offers: list[tuple[Row, Unit]] = []
    for row in sheets["DonVi"]:
        v = row.values
        if row.bad:
            continue
        if v["slug"] not in procedures and not Procedure.objects.filter(slug=v["slug"]).exists():
            errors.append(
                RowError(
                    "DonVi",
                    row.number,
                    row.letters["slug"],
                    _("không có thủ tục “%(slug)s”.") % {"slug": v["slug"]},
                )
            )
            continue
        unit = unit_by_code(str(v["unit_code"]))
        if unit is None:
            errors.append(
                RowError(
                    "DonVi",
                    row.number,
                    row.letters["unit_code"],
                    _("không tìm thấy đơn vị có mã “%(code)s”.") % {"code": v["unit_code"]},
                )
            )
            continue
        offers.append((row, unit))
    return Plan(procedures, versions, children, offers, fields, existing)


def _write(plan: Plan, by: Any) -> ImportResult:
    result = ImportResult()
    field_objs: dict[str, Field] = {}
    for code, name in plan.fields.items():
        obj, _created = Field.objects.get_or_create(code=code, defaults={"name": name})
        if obj.name != name:
            obj.name = name
            obj.save(update_fields=["name"])
        field_objs[code] = obj
    procs: dict[str, Procedure] = {}
    for slug, row in plan.procedures.items():
        v = row.values
        proc = Procedure.objects.filter(slug=slug).first()
        if proc is None:
            proc = Procedure(slug=slug)
            result.procedures_created += 1
        proc.name, proc.level, proc.national_code = v["name"], v["level"], v["national_code"]
        proc.field = field_objs[v["field_code"]]
        proc.save()
        procs[slug] = proc
    for key, row in sorted(plan.versions.items()):
        current = plan.existing.get(key)
        if current is not None and current.is_published:
            result.versions_unchanged += 1
            if row.values["valid_to"] != current.valid_to and row.values["valid_to"] is not None:
                ProcedureVersion.objects.filter(pk=current.pk).update(
                    valid_to=row.values["valid_to"]
                )
            continue
        values = {k: row.values[k] for k in VERSION_KEYS if k in VERSION_COPY_FIELDS}
        # Versions are written by the catalogue services, so the import obeys the same rules
        # (numbering, drafts, the version-date rule of publishing) as every other path.
        if current is None:
            version = version_create_draft(
                by=by, procedure=procs[key[0]], valid_from=row.values["valid_from"], **values
            )
            if version.number != key[1]:
                raise ValidationError(
                    _(
                        "Thủ tục %(slug)s: phiên bản %(n)s không liền sau phiên bản đã có "
                        "(%(m)s) trong hệ thống."
                    )
                    % {"slug": key[0], "n": key[1], "m": version.number - 1}
                )
            result.versions_created += 1
        else:
            version = version_update_draft(
                by=by, version=current, valid_from=row.values["valid_from"], **values
            )
            result.versions_updated += 1
        _write_children(plan, key, version, by)
        if row.values["is_published"]:
            version_publish(by=by, version=version)
            if row.values["valid_to"] is not None:
                ProcedureVersion.objects.filter(pk=version.pk).update(
                    valid_to=row.values["valid_to"]
                )
    _close_superseded(procs.values())
    for row, unit in plan.offers:
        proc = procs.get(row.values["slug"]) or Procedure.objects.get(slug=row.values["slug"])
        UnitProcedure.objects.update_or_create(
            unit=unit, procedure=proc, defaults={"is_active": row.values["is_active"]}
        )
        result.offers += 1
    return result


def _write_children(plan: Plan, key: tuple[str, int], version: ProcedureVersion, by: Any) -> None:
    papers = [
        {
            "name": v["name"],
            "form_name": v["form_name"],
            "originals": v["originals"],
            "copies": v["copies"],
            "required": v["required"],
            # A file path only makes sense if that file is in this installation's storage.
            "form_file": v["form_file"]
            if v["form_file"] and default_storage.exists(v["form_file"])
            else "",
        }
        for v in (
            r.values
            for r in sorted(plan.children["GiayTo"].get(key, []), key=lambda r: r.values["order"])
        )
    ]
    fees = [
        {k: v[k] for k in FEE_KEYS} for v in (r.values for r in plan.children["LePhi"].get(key, []))
    ]
    steps = [
        {k: v[k] for k in ("order", "name", "actor", "department", "budget", "form_name")}
        for v in (r.values for r in plan.children["QuyTrinh"].get(key, []))
    ]
    version_set_content(by=by, version=version, papers=papers, fees=fees, steps=steps)


def _close_superseded(procedures: Iterable[Procedure]) -> None:
    """A published version with no end date ends the day before the next published one."""
    for proc in procedures:
        published = list(proc.versions.filter(is_published=True).order_by("number"))
        for older, newer in itertools.pairwise(published):
            if older.valid_to is None:
                ProcedureVersion.objects.filter(pk=older.pk).update(
                    valid_to=newer.valid_from - dt.timedelta(days=1)
                )
