"""Issue 13 §1: the defects of the catalogue XLSX import, each failing on the old code."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from congso.procedures import demo, demo_data
from congso.procedures.models import Fee, Field, ProcedureVersion
from congso.procedures.xlsx import CatalogueImportError, catalogue_export, catalogue_import

from .test_xlsx import _counts, _wipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(demo_org, monkeypatch):
    monkeypatch.setattr(demo, "PROCEDURES", demo_data.PROCEDURES[:8])
    demo.load("2015")
    return catalogue_export(by=None)


@pytest.fixture
def exported_v2(demo_org, monkeypatch):
    """Demo procedures that have a second version (the 2025 reform)."""
    monkeypatch.setattr(demo, "PROCEDURES", [p for p in demo_data.PROCEDURES if "v2" in p][:3])
    demo.load("2015")
    return catalogue_export(by=None)


def _edit(data: bytes, fn) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    fn(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _errors(data: bytes, **kw) -> str:
    with pytest.raises(CatalogueImportError) as exc:
        catalogue_import(data, by=None, **kw)
    return "\n".join(str(e) for e in exc.value.errors)


def test_fee_amounts_in_both_thousands_styles(exported):
    def edit(wb):
        ws = wb["LePhi"]
        ws["E2"], ws["E3"], ws["E4"] = "2.000 đồng", "50,000 VNĐ", "1.000.000"

    data = _edit(exported, edit)
    _wipe()
    catalogue_import(data, by=None)
    amounts = set(Fee.objects.values_list("amount", flat=True))
    assert {2000, 50000, 1_000_000} <= amounts
    assert not {2, 50} & amounts


def test_ambiguous_amount_refused_with_message(exported):
    text = _errors(_edit(exported, lambda wb: wb["LePhi"].__setitem__("E2", "2,5")))
    assert "Sheet LePhi, dòng 2, cột E: Số tiền (đồng) số tiền “2,5” không rõ ràng" in text


def test_version_two_starting_before_version_one_is_refused_naming_both(exported_v2):
    exported = exported_v2

    def edit(wb):
        ws = wb["ThuTuc"]
        for row in ws.iter_rows(min_row=2):
            if row[6].value == 2:
                row[7].value = dt.datetime(2009, 1, 1)
                return

    before = _counts()
    text = _errors(_edit(exported, edit))
    assert "có hiệu lực từ 01/01/2009, không sau phiên bản 1" in text
    assert _counts() == before


def test_version_two_before_one_refused_when_both_are_new(exported_v2):
    exported = exported_v2

    def edit(wb):
        ws = wb["ThuTuc"]
        for row in ws.iter_rows(min_row=2):
            if row[6].value == 2:
                row[7].value = dt.datetime(2009, 1, 1)
                return

    data = _edit(exported, edit)
    _wipe()
    text = _errors(data)
    assert "không sau phiên bản 1 (01/" in text and "dòng " in text
    assert not ProcedureVersion.objects.exists()


def _set_field_name(name):
    def edit(wb):
        for row in wb["ThuTuc"].iter_rows(min_row=2):
            if row[3].value == "ho-tich":
                row[4].value = name

    return edit


def test_folded_equal_field_name_matches_and_rename_needs_confirmation(exported):
    catalogue_import(_edit(exported, _set_field_name("Lĩnh vực Hộ Tịch")), by=None)
    assert Field.objects.get(code="ho-tich").name == "Hộ tịch"
    renamed = _edit(exported, _set_field_name("Tư pháp - Hộ tịch"))
    text = _errors(renamed)
    assert "lĩnh vực ho-tich trong hệ thống tên “Hộ tịch”, tệp ghi “Tư pháp - Hộ tịch”" in text
    assert Field.objects.get(code="ho-tich").name == "Hộ tịch"
    catalogue_import(renamed, by=None, confirm_field_renames=True)
    assert Field.objects.get(code="ho-tich").name == "Tư pháp - Hộ tịch"


def test_unknown_header_and_blank_published_are_reported(exported):
    def edit(wb):
        wb["ThuTuc"]["B1"] = "Mã thủ tục"
        wb["ThuTuc"]["J3"] = None

    text = _errors(_edit(exported, edit))
    assert (
        "Sheet ThuTuc, dòng 1, cột B: cột “Mã thủ tục” không có trong mẫu nên sẽ bị bỏ qua; hãy đổi tên cột "
        "thành “Mã TTHC” hoặc xóa cột." in text
    )
    assert (
        "Sheet ThuTuc, dòng 3, cột J: Đã công bố để trống: ghi “Có” (công bố) hoặc “Không” (bản nháp)."
        in text
    )


def test_all_errors_in_the_first_pass_and_conflicts_name_both_rows(exported):
    def edit(wb):
        ws = wb["ThuTuc"]
        slugs = {}
        for row in ws.iter_rows(min_row=2):
            slugs.setdefault(row[0].value, row[0].row)
        first, second = list(slugs.values())[:2]
        ws[f"B{first}"], ws[f"B{second}"] = "1.001193", "1.001193"
        ws["C4"] = None  # a cell error too: used to stop before the code check
        ws["A5"] = "Khai sinh!"

    text = _errors(_edit(exported, edit))
    assert "Tên thủ tục không được để trống" in text
    assert "mã TTHC 1.001193 ở dòng 3" in text and "đã dùng ở dòng 2" in text
    assert "Khóa (đường dẫn) chỉ gồm chữ thường không dấu" in text
    assert "Enter a valid" not in text and "invalid" not in text.lower()
