"""Search normalisation on the configured database (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest

from congso.core import pdf
from congso.search.backends import Filters, IndexItem, get_backend
from congso.search.extract import file_text, tesseract_available

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    backend = get_backend()
    backend.bulk_index(
        [
            IndexItem(
                "doc",
                1,
                10,
                ["Về việc hòa giải ở cơ sở phường Nhân Chính"],
                kind="1",
                sender="Phòng Tư pháp",
                date=dt.date(2026, 3, 1),
            ),
            IndexItem(
                "doc",
                2,
                10,
                ["Kế hoạch phòng chống lụt bão, thuỷ lợi năm 2026"],
                kind="2",
                sender="UBND quận Thanh Xuân",
                date=dt.date(2026, 5, 1),
            ),
            IndexItem(
                "doc",
                3,
                20,
                ["Báo cáo ĐẤT ĐAI khu Khương Đình", "12/BC-UBND"],
                kind="1",
                sender="UBND phường Khương Đình",
                date=dt.date(2026, 7, 1),
            ),
            IndexItem("other", 1, 10, ["hòa giải"]),
        ]
    )
    return backend


@pytest.mark.parametrize(
    "query, expected",
    [
        ("hoà giải", [1]),  # old-style tone placement
        ("hòa giải", [1]),
        ("HÒA GIẢI", [1]),
        ("hoa giai", [1]),  # no diacritics
        (unicodedata.normalize("NFD", "hòa giải"), [1]),
        ("thủy lợi", [2]),
        ("thuỷ lợi", [2]),
        ("đất đai", [3]),
        ("dat dai khuong dinh", [3]),
        ("12/BC-UBND", [3]),
        ("hòa bão", []),  # every word must occur
        ("", []),
    ],
)
def test_normalisation(indexed, query, expected):
    assert indexed.search(query, doc_type="doc") == expected


def test_filters(indexed):
    assert indexed.search("năm phường", doc_type="doc") == []
    assert sorted(indexed.search("ubnd", doc_type="doc", filters=Filters(unit_ids=[10, 20]))) == [3]
    assert indexed.search("hòa giải", doc_type="doc", filters=Filters(unit_ids=[20])) == []
    assert indexed.search("hòa giải", doc_type="doc", filters=Filters(unit_ids=[])) == []
    assert indexed.search("hoa giai", doc_type="doc", filters=Filters(kind="2")) == []
    assert indexed.search("kế hoạch", doc_type="doc", filters=Filters(sender="thanh xuân")) == [2]
    assert (
        indexed.search("kế hoạch", doc_type="doc", filters=Filters(date_from=dt.date(2026, 6, 1)))
        == []
    )


def test_reindex_replaces(indexed):
    indexed.index(IndexItem("doc", 1, 10, ["Giấy mời họp giao ban"]))
    assert indexed.search("hòa giải", doc_type="doc") == []
    assert indexed.search("giao ban", doc_type="doc") == [1]
    indexed.remove("doc", 1)
    assert indexed.search("giao ban", doc_type="doc") == []


def test_pdf_text_layer_is_searchable(indexed):
    data = pdf.build([pdf.p("Tờ trình về việc sửa chữa trường Mầm non Hoa Sữa")], title="t")
    text = file_text("to-trinh.pdf", data, ocr=False)
    indexed.index(IndexItem("doc", 9, 10, ["Tờ trình", text]))
    assert indexed.search("mầm non hoa sữa", doc_type="doc") == [9]


@pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract với mô hình tiếng Việt (tesseract-ocr-vie) chưa cài: make system-deps",
)
def test_ocr_of_a_scanned_image(indexed):
    from PIL import Image, ImageDraw, ImageFont

    from congso.core.pdf import FONT_DIR

    image = Image.new("L", (1400, 160), 255)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 48)
    ImageDraw.Draw(image).text((20, 40), "Thông báo lịch tiếp công dân", font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    text = file_text("scan.png", buffer.getvalue())
    indexed.index(IndexItem("doc", 11, 10, [text]))
    assert indexed.search("tiếp công dân", doc_type="doc") == [11], text


@pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract với mô hình tiếng Việt (tesseract-ocr-vie) chưa cài: make system-deps",
)
def test_ocr_of_an_image_only_pdf(indexed, tmp_path):
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from congso.core.pdf import FONT_DIR

    image = Image.new("L", (1400, 160), 255)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 48)
    ImageDraw.Draw(image).text((20, 40), "Quyết định khen thưởng", font=font, fill=0)
    png = tmp_path / "scan.png"
    image.save(png)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawImage(str(png), 20, 600, width=560, height=64)
    page.save()
    text = file_text("ban-quet.pdf", buffer.getvalue())
    indexed.index(IndexItem("doc", 12, 10, [text]))
    assert indexed.search("khen thưởng", doc_type="doc") == [12], text
