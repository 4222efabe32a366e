import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from congso.accounts.testing import login_verified
from congso.procedures import demo, demo_data
from congso.procedures.models import (
    Fee,
    Field,
    InternalStep,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    UnitProcedure,
)
from congso.procedures.xlsx import (
    CatalogueImportError,
    catalogue_export,
    catalogue_import,
    catalogue_rows,
)

from .factories import published_procedure

pytestmark = pytest.mark.django_db


def _wipe():
    UnitProcedure.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


def _counts():
    return tuple(
        m.objects.count()
        for m in (Procedure, ProcedureVersion, RequiredPaper, Fee, InternalStep, UnitProcedure)
    )


def _edit(data: bytes, edits) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for sheet, cell, value in edits:
        wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def demo_export(demo_org, monkeypatch):
    """The first procedures of the demo (enough rows on every sheet), exported."""
    monkeypatch.setattr(demo, "PROCEDURES", demo_data.PROCEDURES[:8])
    demo.load("2015")
    return catalogue_export(by=None)


def test_round_trip_export_then_import_into_empty_catalogue(demo_org):
    demo.load("2015")  # the whole demo: every field, actor, duration kind and version
    demo_export = catalogue_export(by=None)
    before_rows = catalogue_rows()
    before_counts = _counts()
    _wipe()
    assert _counts() == (0, 0, 0, 0, 0, 0)
    result = catalogue_import(demo_export, by=None)
    assert result.procedures_created == before_counts[0]
    assert _counts() == before_counts
    assert catalogue_rows() == before_rows
    # Importing the same file again changes nothing.
    again = catalogue_import(demo_export, by=None)
    assert (again.procedures_created, again.versions_created, again.versions_unchanged) == (
        0,
        0,
        before_counts[1],
    )
    assert catalogue_rows() == before_rows


def test_import_good_file_creates_new_draft_version(demo_export):
    wb = load_workbook(io.BytesIO(demo_export))
    ws = wb["ThuTuc"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "dang-ky-khai-sinh")
    new = [c.value for c in row]
    new[6], new[7], new[9], new[10] = 2, "01/01/2026", "Không", 2  # version 2, draft, 2 days
    ws.append(new)
    out = io.BytesIO()
    wb.save(out)
    result = catalogue_import(out.getvalue(), by=None)
    assert result.versions_created == 1
    draft = ProcedureVersion.objects.get(procedure__slug="dang-ky-khai-sinh", number=2)
    assert (draft.is_published, draft.duration) == (False, Decimal(2))
    assert draft.papers.count() == 0  # papers are rows of their own sheet


def test_bad_file_imports_nothing_and_names_every_row_and_column(demo_export):
    _wipe()
    bad = _edit(
        demo_export,
        [
            ("ThuTuc", "C2", None),  # name missing
            ("ThuTuc", "F3", "Cấp thôn"),  # unknown level
            ("ThuTuc", "K4", "mười"),  # duration not a number
            ("GiayTo", "F7", -1),  # negative count
            ("LePhi", "A2", "khong-ton-tai"),  # unknown procedure
            ("QuyTrinh", "E5", "Bảo vệ"),  # unknown actor
            ("DonVi", "B2", "99999"),  # unknown unit
        ],
    )
    with pytest.raises(CatalogueImportError) as exc:
        catalogue_import(bad, by=None)
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "Sheet ThuTuc, dòng 2, cột C: Tên thủ tục không được để trống." in text
    assert "Sheet ThuTuc, dòng 3, cột F: Cấp thực hiện giá trị “Cấp thôn” không hợp lệ" in text
    assert "Sheet ThuTuc, dòng 4, cột K: Thời hạn phải là số" in text
    assert "Sheet GiayTo, dòng 7, cột F: Số bản chính phải là số nguyên không âm." in text
    assert "Sheet QuyTrinh, dòng 5, cột E: Người thực hiện giá trị “Bảo vệ”" in text
    assert _counts() == (0, 0, 0, 0, 0, 0)
    # Cross-sheet problems are reported once cells parse.
    bad = _edit(demo_export, [("LePhi", "A2", "khong-ton-tai"), ("DonVi", "B2", "99999")])
    with pytest.raises(CatalogueImportError) as exc:
        catalogue_import(bad, by=None)
    text = "\n".join(str(e) for e in exc.value.errors)
    assert "Sheet LePhi, dòng 2, cột A: không có thủ tục “khong-ton-tai”" in text
    assert "Sheet DonVi, dòng 2, cột B: không tìm thấy đơn vị có mã “99999”." in text
    assert Field.objects.count() == 0 and _counts() == (0, 0, 0, 0, 0, 0)


def test_published_version_in_file_must_add_up(demo_export):
    _wipe()
    wb = load_workbook(io.BytesIO(demo_export))
    ws = wb["QuyTrinh"]
    ws["G2"] = 99
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(CatalogueImportError) as exc:
        catalogue_import(out.getvalue(), by=None)
    assert any(
        "cột K" in str(e) and "Tổng thời gian các bước quy trình nội bộ là" in str(e)
        for e in exc.value.errors
    )
    assert _counts()[0] == 0


def test_published_version_cannot_be_changed_by_import(demo_export):
    bad = _edit(demo_export, [("ThuTuc", "K2", 99)])
    with pytest.raises(CatalogueImportError) as exc:
        catalogue_import(bad, by=None)
    assert any("đã công bố trong hệ thống, không được sửa" in str(e) for e in exc.value.errors)


def test_not_xlsx_missing_sheet_and_too_big(demo_export, settings, monkeypatch):
    with pytest.raises(CatalogueImportError, match="không phải bảng tính XLSX"):
        catalogue_import(b"%PDF-1.4 not a workbook", by=None)
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "không phải bảng tính")
    with pytest.raises(CatalogueImportError, match="Không đọc được tệp XLSX"):
        catalogue_import(other_zip.getvalue(), by=None)
    wb = load_workbook(io.BytesIO(demo_export))
    del wb["GiayTo"]
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(CatalogueImportError, match="Sheet GiayTo: thiếu sheet này"):
        catalogue_import(out.getvalue(), by=None)
    monkeypatch.setattr("congso.procedures.xlsx.IMPORT_MAX_BYTES", 1000)
    with pytest.raises(CatalogueImportError, match="Tệp quá lớn"):
        catalogue_import(demo_export, by=None)


def test_only_sysadmin_may_import_and_export(client, demo_org, demo_export):
    url = "/quan-ly/danh-muc-thu-tuc/"
    assert client.get(url).status_code == 302  # to login
    client.force_login(demo_org.user("motcua.tx"))
    assert client.get(url).status_code == 403
    assert client.get(url + "xuat/").status_code == 403
    upload = io.BytesIO(demo_export)
    upload.name = "danh-muc.xlsx"
    assert client.post(url, {"file": upload}).status_code == 403
    login_verified(client, demo_org.user("quantri"))
    assert client.get(url).status_code == 200
    export = client.get(url + "xuat/")
    assert export.status_code == 200 and export.content.startswith(b"PK")


def test_upload_page_reports_errors_and_rejects_other_files(client, demo_org, demo_export):
    login_verified(client, demo_org.user("quantri"))
    url = "/quan-ly/danh-muc-thu-tuc/"
    pdf = io.BytesIO(b"%PDF-1.4")
    pdf.name = "danh-muc.pdf"
    response = client.post(url, {"file": pdf})
    assert response.status_code == 400
    assert "Chỉ nhận tệp bảng tính .xlsx" in response.content.decode()
    bad = io.BytesIO(_edit(demo_export, [("ThuTuc", "C2", None)]))
    bad.name = "danh-muc.xlsx"
    response = client.post(url, {"file": bad})
    assert (
        "Sheet ThuTuc, dòng 2, cột C: Tên thủ tục không được để trống." in response.content.decode()
    )
    good = io.BytesIO(demo_export)
    good.name = "danh-muc.xlsx"
    response = client.post(url, {"file": good}, follow=True)
    assert "phiên bản không đổi" in response.content.decode()


def test_management_commands(tmp_path, demo_org):
    published_procedure("Đăng ký khai sinh")
    path = tmp_path / "danh-muc.xlsx"
    call_command("catalogue_export", str(path))
    before = catalogue_rows()
    _wipe()
    call_command("catalogue_import", str(path))
    assert catalogue_rows() == before
    (tmp_path / "hong.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("catalogue_import", str(tmp_path / "hong.xlsx"))
