"""Sign, countersign, verify and tamper with PDFs through congso.signing."""

from __future__ import annotations

import pytest

from congso.core import pdf
from congso.signing.services import ensure_demo_certificates, sign_pdf, verify_pdf


@pytest.fixture(autouse=True)
def _signing_dir(settings, tmp_path_factory):
    settings.SIGNING_DIR = tmp_path_factory.getbasetemp() / "signing"


def _pdf() -> bytes:
    return pdf.build([pdf.p("Quyết định về việc phê duyệt kế hoạch năm 2026")], title="Thử")


def test_sign_then_countersign_both_valid_and_trusted(demo_org):
    signed = sign_pdf(
        _pdf(),
        unit=demo_org.district,
        signer_name="Nguyễn Văn Hùng",
        reason="Ký ban hành",
        location="Thanh Xuân",
        field_name="NguoiKy",
        personal=True,
    )
    both = sign_pdf(
        signed,
        unit=demo_org.departments["VP"],
        signer_name="UBND quận Thanh Xuân",
        reason="Đóng dấu cơ quan",
        location="Thanh Xuân",
        field_name="CoQuan",
    )
    reports = verify_pdf(both)
    assert [r.field_name for r in reports] == ["NguoiKy", "CoQuan"]
    assert all(r.ok for r in reports), reports
    assert "Nguyễn Văn Hùng" in reports[0].signer_subject
    assert "UBND quận Thanh Xuân" in reports[1].signer_subject
    assert not reports[0].covers_whole_file and reports[1].covers_whole_file
    assert reports[1].signing_time is not None


def test_tampered_byte_is_detected(demo_org):
    signed = sign_pdf(
        _pdf(),
        unit=demo_org.district,
        signer_name="UBND quận Thanh Xuân",
        reason="Ký",
        location="Thanh Xuân",
        field_name="CoQuan",
    )
    # Flip one byte inside the signed range (the document title in the info dictionary).
    at = signed.index(b"/Title")
    tampered = signed[: at + 8] + bytes([signed[at + 8] ^ 0x01]) + signed[at + 9 :]
    reports = verify_pdf(tampered)
    assert reports and not reports[0].ok
    assert not reports[0].intact or reports[0].error


def test_untrusted_root_is_reported(demo_org, settings, tmp_path):
    signed = sign_pdf(
        _pdf(),
        unit=demo_org.district,
        signer_name="X",
        reason="Ký",
        location="Hà Nội",
        field_name="CoQuan",
    )
    settings.SIGNING_DIR = tmp_path / "other-root"  # a different demo root: not trusted
    [report] = verify_pdf(signed)
    assert report.intact and not report.trusted


def test_same_field_twice_is_refused(demo_org):
    from django.core.exceptions import ValidationError

    signed = sign_pdf(
        _pdf(),
        unit=demo_org.district,
        signer_name="X",
        reason="Ký",
        location="Hà Nội",
        field_name="CoQuan",
    )
    with pytest.raises(ValidationError):
        sign_pdf(
            signed,
            unit=demo_org.district,
            signer_name="X",
            reason="Ký",
            location="Hà Nội",
            field_name="CoQuan",
        )


def test_not_a_pdf():
    [report] = verify_pdf(b"not a pdf")
    assert report.error and not report.ok


def test_ensure_demo_certificates_is_idempotent(demo_org, settings):
    first = ensure_demo_certificates()
    files = sorted(p.name for p in (settings.SIGNING_DIR / "units").iterdir())
    assert ensure_demo_certificates() == first
    assert sorted(p.name for p in (settings.SIGNING_DIR / "units").iterdir()) == files
