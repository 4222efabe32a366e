"""Signing an outgoing document (issue #12 §5): the signer's PIN first (ADR 0076), then the
page shows what NĐ 30/2020 Phụ lục I puts on it — number and date of issue, the signer's and
the agency's visible signatures (ADR 0077)."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from congso.audit.models import AuditEvent
from congso.core import pdf
from congso.documents import services as s
from congso.documents.models import OutgoingStatus
from congso.signing import pins
from congso.signing.marks import issue_date_line
from congso.signing.models import SignerPin
from congso.signing.services import verify_pdf

from .conftest import PIN

pytestmark = pytest.mark.django_db


def decision_pdf(signer_name: str = "Nguyễn Văn Hùng") -> bytes:
    """A draft laid out as Phụ lục I: heading, a blank line for ô 3 / ô 4, body, signer block."""
    return pdf.build(
        [
            pdf.national_header("UBND quận Thanh Xuân", ""),
            Spacer(1, 12 * mm),
            pdf.p("QUYẾT ĐỊNH", "title"),
            pdf.p("Về việc kiện toàn tổ hòa giải ở cơ sở", "center_bold"),
            pdf.p(
                "Điều 1. Kiện toàn tổ hòa giải ở cơ sở phường Nhân Chính gồm các ông, bà có tên sau. "
                * 4
            ),
            Spacer(1, 8 * mm),
            pdf.p("CHỦ TỊCH", "center_bold"),
            Spacer(1, 24 * mm),
            pdf.p(signer_name, "center_bold"),
        ],
        title="Quyết định",
    )


def approved(org, kinds):
    leader = org.user("lanhdao.tx")
    doc = s.outgoing_create_draft(
        by=org.user("chuyenvien.tp"),
        drafting_unit=org.departments["TP"],
        kind=kinds["QĐ"],
        abstract="Quyết định kiện toàn tổ hòa giải",
        signer=leader,
        signer_position="Chủ tịch UBND quận",
        draft=s.Upload("du-thao.pdf", decision_pdf(leader.get_full_name())),
    )
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.APPROVED
    return doc, leader


def test_signed_pdf_shows_number_date_and_two_visible_signatures(org, kinds, tmp_path):
    doc, leader = approved(org, kinds)
    s.outgoing_sign(doc=doc, by=leader, pin=PIN)
    doc.refresh_from_db()
    with doc.final_pdf.open("rb") as fh:
        signed = fh.read()

    reports = verify_pdf(signed)
    assert [r.field_name for r in reports] == ["NguoiKy", "CoQuan"]
    assert all(r.ok for r in reports), reports
    assert leader.get_full_name() in reports[0].signer_subject

    reader = PdfReader(io.BytesIO(signed))
    page = reader.pages[0]
    widgets = [a.get_object() for a in page.get("/Annots", [])]
    widgets = [w for w in widgets if w.get("/Subtype") == "/Widget" and w.get("/FT") == "/Sig"]
    assert sorted(str(w["/T"]) for w in widgets) == ["CoQuan", "NguoiKy"]
    for w in widgets:
        x1, y1, x2, y2 = (float(v) for v in w["/Rect"])
        assert x2 - x1 > 50 and y2 - y1 > 40  # a real box, not an invisible field
        assert len(w["/AP"]["/N"].get_object().get_data()) > 100  # a drawn appearance
    signer_rect = next([float(v) for v in w["/Rect"]] for w in widgets if str(w["/T"]) == "NguoiKy")
    seal_rect = next([float(v) for v in w["/Rect"]] for w in widgets if str(w["/T"]) == "CoQuan")
    # The seal covers the left third of the signer's mark (ô 8 over ô 7).
    assert seal_rect[0] < signer_rect[0] < seal_rect[2] < signer_rect[2]

    text = page.extract_text()
    assert f"Số: {doc.number_symbol}" in text
    assert issue_date_line(doc.place or doc.agency.name, timezone.localdate(doc.signed_at)) in text

    if shutil.which("pdftoppm"):
        (tmp_path / "signed.pdf").write_bytes(signed)
        out = tmp_path / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "signed.pdf"),
                str(out),
            ],
            check=True,
            timeout=60,
        )
        assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_without_pin_or_with_a_wrong_one_nothing_is_signed_and_tries_are_counted(org, kinds):
    doc, leader = approved(org, kinds)
    SignerPin.objects.filter(user=leader).delete()
    with pytest.raises(ValidationError, match="chưa đặt mã PIN"):
        s.outgoing_sign(doc=doc, by=leader, pin="")
    pins.signer_pin_set(user=leader, pin="284716")
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"còn {left} lần thử"):
            s.outgoing_sign(doc=doc, by=leader, pin="111222")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.APPROVED and doc.number is None and not doc.final_pdf
    assert SignerPin.objects.get(user=leader).failed_attempts == 4  # committed despite the errors
    with pytest.raises(ValidationError, match="bị khoá"):
        s.outgoing_sign(doc=doc, by=leader, pin="111222")
    # Locked: the right PIN does not help any more.
    with pytest.raises(ValidationError, match="bị khoá"):
        s.outgoing_sign(doc=doc, by=leader, pin="284716")
    actions = list(
        AuditEvent.objects.filter(action__startswith="signing.").values_list("action", flat=True)
    )
    assert actions.count("signing.pin_wrong") == 4 and "signing.pin_locked" in actions
    # Someone else may not sign at all, and their tries do not touch the signer's PIN.
    with pytest.raises(PermissionDenied):
        s.outgoing_sign(doc=doc, by=org.user("vanthu.tx"), pin=PIN)
    # Only an administrator unlocks; then the signer sets a new PIN and signs.
    with pytest.raises(PermissionDenied):
        pins.signer_pin_unlock(by=org.user("vanthu.tx"), user=leader)
    pins.signer_pin_unlock(by=org.user("quantri"), user=leader)
    pins.signer_pin_set(user=leader, pin="582047")
    s.outgoing_sign(doc=doc, by=leader, pin="582047")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.SIGNED and doc.number == 1


def test_pin_rules_and_change(org):
    leader = org.user("lanhdao.nc")
    SignerPin.objects.filter(user=leader).delete()
    for bad, message in (
        ("12345", "6 đến 8 chữ số"),
        ("12a456", "6 đến 8 chữ số"),
        ("111111", "dễ đoán"),
        ("234567", "dễ đoán"),
        ("876543", "dễ đoán"),
    ):
        with pytest.raises(ValidationError, match=message):
            pins.signer_pin_set(user=leader, pin=bad)
    row = pins.signer_pin_set(user=leader, pin="402918")
    assert row.pin_hash != "402918" and "402918" not in row.pin_hash
    with pytest.raises(ValidationError, match="không đúng"):
        pins.signer_pin_set(user=leader, pin="771203", current_pin="000000")
    pins.signer_pin_set(user=leader, pin="771203", current_pin="402918")
    pins.signer_pin_check(user=leader, pin="771203")


def test_pin_page(client, org):
    leader = org.user("lanhdao.nc")
    SignerPin.objects.filter(user=leader).delete()
    client.force_login(leader)
    page = client.get("/ky-so/ma-pin/").content.decode()
    assert "Bạn chưa đặt mã PIN ký số." in page
    r = client.post("/ky-so/ma-pin/", {"pin": "402918", "pin2": "402917"})
    assert r.status_code == 400 and "Hai mã PIN không khớp." in r.content.decode()
    r = client.post("/ky-so/ma-pin/", {"pin": "402918", "pin2": "402918"})
    assert r.status_code == 302 and SignerPin.objects.filter(user=leader).exists()
    r = client.post("/ky-so/ma-pin/", {"current_pin": "999999", "pin": "771203", "pin2": "771203"})
    assert r.status_code == 400 and "còn 4 lần thử" in r.content.decode()
