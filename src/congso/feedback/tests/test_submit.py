"""Submission, verification, receipts and the abuse guards of the public form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.audit.models import AuditEvent
from congso.eservices.tests.factories import CitizenFactory, pdf_bytes
from congso.feedback import services
from congso.feedback.models import Case, CaseHistory, Channel, Kind, Status
from congso.notify.models import Notification

from .factories import local, received_case, submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(demo_org):
    return demo_org.wards["00343"]


def test_anonymous_submission_waits_for_the_code_then_is_received(ward):
    at = local(2026, 12, 3, 9)
    case, code = services.case_submit(sub=submission(ward), channel=Channel.PORTAL, at=at)
    assert case.status == Status.PENDING and case.code is None and len(code) == 6
    sms = Notification.objects.get(event="feedback.verify")
    assert sms.recipient == "0912345678"
    case = services.case_verify(reference=case.reference, code=code, at=at)
    assert case.status == Status.RECEIVED
    assert case.code == "PAKN.00343.20261203.0001"
    assert case.received_at == at and case.due_at is not None and case.forward_due_at is not None
    assert [h.action for h in case.history.all()] == ["submit", "verify"]
    assert AuditEvent.objects.filter(action="feedback.receive", target_id=str(case.pk)).exists()
    assert Notification.objects.filter(event="feedback.received", reference=case.code).exists()


def test_wrong_code_counts_and_changes_nothing_else(ward):
    case, code = services.case_submit(sub=submission(ward), channel=Channel.PORTAL)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError, match="không đúng"):
        services.case_verify(reference=case.reference, code=wrong)
    case.refresh_from_db()
    assert case.status == Status.PENDING and case.code is None and case.verification_attempts == 1
    for _ in range(services.CODE_ATTEMPTS - 1):
        with pytest.raises(ValidationError):
            services.case_verify(reference=case.reference, code=wrong)
    with pytest.raises(ValidationError, match="quá số lần"):
        services.case_verify(reference=case.reference, code=code)


def test_expired_code_is_refused(ward):
    at = local(2026, 12, 3, 9)
    case, code = services.case_submit(sub=submission(ward), channel=Channel.PORTAL, at=at)
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        services.case_verify(reference=case.reference, code=code, at=at + dt.timedelta(minutes=11))


def test_signed_in_citizen_is_received_at_once(ward):
    citizen = CitizenFactory()
    case, code = services.case_submit(
        sub=submission(ward, sender_phone="", sender_email=""),
        channel=Channel.ESERVICES,
        user=citizen,
    )
    assert code == "" and case.status == Status.RECEIVED and case.sender_user == citizen


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "bắt buộc"),
        ("body", "Ngắn quá", "quá ngắn"),
        ("body", "Xin hỏi <script>alert(1)</script> về thủ tục khai sinh ở phường", "HTML"),
        ("body", "x" * 5001, "dài quá"),
        ("sender_phone", "12345", "10 chữ số"),
        ("sender_email", "khong-phai-email", "e-mail"),
        ("kind", "other", "loại"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(ward, field, value, message):
    with pytest.raises(ValidationError) as exc:
        services.case_submit(sub=submission(ward, **{field: value}), channel=Channel.PORTAL)
    assert message in " ".join(exc.value.messages)
    assert Case.objects.count() == 0 and Notification.objects.count() == 0


def test_contact_is_required_without_an_account(ward):
    with pytest.raises(ValidationError, match="điện thoại hoặc e-mail"):
        services.case_submit(sub=submission(ward, sender_phone=""), channel=Channel.PORTAL)


def test_honeypot_refuses_without_saying_why(ward):
    with pytest.raises(ValidationError, match="tải lại trang"):
        services.case_submit(sub=submission(ward), channel=Channel.PORTAL, honeypot="http://spam")
    assert Case.objects.count() == 0


def test_rate_limit_per_sender_and_per_address(ward):
    for i in range(services.PER_SENDER):
        services.case_submit(sub=submission(ward), channel=Channel.PORTAL, client=f"10.0.0.{i}")
    with pytest.raises(ValidationError, match="quá nhiều"):
        services.case_submit(sub=submission(ward), channel=Channel.PORTAL, client="10.0.0.99")
    for i in range(services.PER_ADDRESS - 0):
        try:
            services.case_submit(
                sub=submission(ward, sender_phone=f"09{i:08d}"),
                channel=Channel.PORTAL,
                client="203.0.113.7",
            )
        except ValidationError:
            pytest.fail("refused before the address limit")
    with pytest.raises(ValidationError, match="quá nhiều"):
        services.case_submit(
            sub=submission(ward, sender_phone="0987654321"),
            channel=Channel.PORTAL,
            client="203.0.113.7",
        )
    assert Case.objects.count() == services.PER_SENDER + services.PER_ADDRESS


def test_attachments_go_through_the_upload_validator(ward):
    good = SimpleUploadedFile("anh.pdf", pdf_bytes())
    case, _code = services.case_submit(sub=submission(ward), channel=Channel.PORTAL, files=[good])
    assert case.attachments.get().content_type == "application/pdf"
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        services.case_submit(
            sub=submission(ward, sender_phone="0911111111"), channel=Channel.PORTAL, files=[bad]
        )
    assert Case.objects.count() == 1


def test_complaint_needs_the_dossier_code_and_identity_number(ward):
    with pytest.raises(ValidationError, match="mã hồ sơ"):
        services.case_submit(sub=submission(ward, kind=Kind.COMPLAINT), channel=Channel.PORTAL)
    with pytest.raises(ValidationError, match="không khớp"):
        services.case_submit(
            sub=submission(
                ward, kind=Kind.COMPLAINT, dossier_code="X-1", dossier_id_number="001090012345"
            ),
            channel=Channel.PORTAL,
        )


def test_desk_records_a_phone_call_only_at_its_own_agency(demo_org, ward):
    officer = demo_org.staff["motcua.nc"]
    case = services.case_record(
        sub=submission(ward, sender_phone=""), channel=Channel.PHONE, by=officer
    )
    assert case.status == Status.RECEIVED and case.history.last().actor == officer
    other = demo_org.wards["00352"]
    with pytest.raises(PermissionDenied):
        services.case_record(sub=submission(other), channel=Channel.PHONE, by=officer)
    with pytest.raises(PermissionDenied):
        services.case_submit(sub=submission(ward), channel=Channel.COUNTER)


def test_codes_run_per_agency_and_day(demo_org, ward):
    other = demo_org.wards["00352"]
    a = received_case(ward, at=local(2026, 12, 3, 9))
    b = received_case(ward, at=local(2026, 12, 3, 10), sender_phone="0911111111")
    c = received_case(other, at=local(2026, 12, 3, 10), sender_phone="0922222222")
    d = received_case(ward, at=local(2026, 12, 4, 9), sender_phone="0933333333")
    assert [a.code, b.code, c.code, d.code] == [
        "PAKN.00343.20261203.0001",
        "PAKN.00343.20261203.0002",
        "PAKN.00352.20261203.0001",
        "PAKN.00343.20261204.0001",
    ]
    assert CaseHistory.objects.count() == 8
