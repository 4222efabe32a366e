"""The result signed by a leader with the PIN of their key (issue #12 §5; ADRs 0073, 0076, 0077):
the ``sign_result`` registry action, its service, page form, API operation and what the
applicant then downloads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from congso.accounts.models import AccountKind, User
from congso.audit.models import AuditEvent
from congso.dossiers import services as s
from congso.dossiers.actions import REGISTRY
from congso.dossiers.models import Dossier, Stage, Status, StatusHistory
from congso.signing.models import SignerPin
from congso.signing.pins import signer_pin_set
from congso.signing.services import verify_pdf

from .test_registry import PIN, _prepare, result_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(demo_org, district_version):
    """A dossier whose result the clerk has recorded with a PDF; the district leader has a PIN."""
    d = _prepare(demo_org, district_version, Status.RESULT_READY, Stage.CLERK, "")
    d.result_file.save("ket-qua.pdf", ContentFile(result_pdf()), save=True)
    Dossier.objects.filter(pk=d.pk).update(result_number="125/QĐ-UBND")
    signer_pin_set(user=demo_org.staff["lanhdao.tx"].user, pin=PIN)
    return Dossier.objects.get(pk=d.pk)


def _state(d):
    d.refresh_from_db()
    return d.result_signed, d.result_file.name, d.version, d.history.count()


def test_the_leader_signs_with_the_pin_two_visible_signatures(demo_org, ready):
    leader = demo_org.staff["lanhdao.tx"]
    assert REGISTRY["sign_result"].available(ready, leader)
    s.dossier_sign_result(dossier=ready, by=leader, pin=PIN, version=ready.version)
    ready.refresh_from_db()
    assert ready.result_signed and ready.status == Status.RESULT_READY
    with ready.result_file.open("rb") as fh:
        reports = verify_pdf(fh.read())
    assert [r.field_name for r in reports] == ["NguoiKy", "CoQuan"]
    assert all(r.ok for r in reports)
    event = AuditEvent.objects.filter(action="dossier.sign_result").get()
    assert event.data["second_factor"] == "pin"
    assert StatusHistory.objects.filter(dossier=ready, action="sign_result").exists()
    # Signed once: no second button, the service refuses.
    assert not REGISTRY["sign_result"].available(ready, leader)
    with pytest.raises(ValidationError, match="đã được ký số"):
        s.dossier_sign_result(dossier=ready, by=leader, pin=PIN)


def test_a_wrong_pin_changes_nothing_and_is_counted(demo_org, ready):
    before = _state(ready)
    with pytest.raises(ValidationError, match="Mã PIN không đúng; còn 4 lần thử"):
        s.dossier_sign_result(dossier=ready, by=demo_org.staff["lanhdao.tx"], pin="135790")
    assert _state(ready) == before
    assert SignerPin.objects.get(user=demo_org.staff["lanhdao.tx"].user).failed_attempts == 1


def test_who_may_not_sign_never_touches_a_pin(demo_org, ready):
    clerk = demo_org.staff["vanthu.tx"]
    signer_pin_set(user=clerk.user, pin=PIN)
    before = _state(ready)
    with pytest.raises(PermissionDenied):
        s.dossier_sign_result(dossier=ready, by=clerk, pin="000000")
    assert _state(ready) == before
    assert SignerPin.objects.get(user=clerk.user).failed_attempts == 0
    # A ward's leader does not sign the district's results either.
    with pytest.raises(PermissionDenied):
        s.dossier_sign_result(dossier=ready, by=demo_org.staff["lanhdao.nc"], pin=PIN)


def test_without_a_pdf_result_there_is_nothing_to_sign(demo_org, district_version):
    d = _prepare(demo_org, district_version, Status.RESULT_READY, Stage.CLERK, "")
    leader = demo_org.staff["lanhdao.tx"]
    signer_pin_set(user=leader.user, pin=PIN)
    assert not REGISTRY["sign_result"].available(d, leader)
    with pytest.raises(ValidationError, match="Chưa có tệp kết quả PDF"):
        s.dossier_sign_result(dossier=d, by=leader, pin=PIN)


def test_the_page_form_signs_and_a_wrong_pin_shows_the_message(client, demo_org, ready):
    leader = demo_org.staff["lanhdao.tx"]
    client.force_login(leader.user)
    url = reverse("dossiers:detail", args=[ready.ref])
    page = client.get(url).content.decode()
    assert 'data-action="sign_result"' in page and 'name="pin"' in page
    act = reverse("dossiers:act", args=[ready.ref, "sign_result"])
    wrong = client.post(act, {"pin": "135790", "version": ready.version}, follow=True)
    assert "Mã PIN không đúng" in wrong.content.decode()
    assert not Dossier.objects.get(pk=ready.pk).result_signed
    done = client.post(act, {"pin": PIN, "version": ready.version}, follow=True)
    assert "Đã thực hiện: Ký số kết quả." in done.content.decode()
    assert Dossier.objects.get(pk=ready.pk).result_signed


def test_the_api_operation_signs(client, demo_org, ready):
    client.force_login(demo_org.staff["lanhdao.tx"].user)
    detail = client.get(f"/api/v1/dossiers/{ready.ref}").json()
    assert "sign_result" in detail["actions"]
    stale = client.post(
        f"/api/v1/dossiers/{ready.ref}/sign-result",
        {"pin": PIN, "version": ready.version - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    ok = client.post(
        f"/api/v1/dossiers/{ready.ref}/sign-result",
        {"pin": PIN, "version": ready.version},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert Dossier.objects.get(pk=ready.pk).result_signed


def test_the_applicant_downloads_the_leader_signed_file(demo_org, ready):
    from congso.eservices.submission import result_release

    citizen = User.objects.create_user(
        username="an.nguyen", password="x", kind=AccountKind.CITIZEN, email="an@example.vn"
    )
    Dossier.objects.filter(pk=ready.pk).update(applicant_user=citizen)
    ready.refresh_from_db()
    s.dossier_sign_result(dossier=ready, by=demo_org.staff["lanhdao.tx"], pin=PIN)
    ready.refresh_from_db()
    with ready.result_file.open("rb") as fh:
        signed = fh.read()
    released = result_release(dossier=ready, user=citizen)
    with released.file.open("rb") as fh:
        assert fh.read() == signed  # served as signed, not signed again


def test_a_result_already_released_is_not_signed_again(demo_org, ready):
    """Downloaded before the leader signed: the applicant holds the agency-signed file (ADR
    0073); a second, different file is not made."""
    from congso.eservices.submission import result_release

    citizen = User.objects.create_user(
        username="an.nguyen", password="x", kind=AccountKind.CITIZEN, email="an@example.vn"
    )
    Dossier.objects.filter(pk=ready.pk).update(applicant_user=citizen)
    ready.refresh_from_db()
    result_release(dossier=ready, user=citizen)
    ready = Dossier.objects.get(pk=ready.pk)
    assert not REGISTRY["sign_result"].available(ready, demo_org.staff["lanhdao.tx"])
    with pytest.raises(ValidationError, match="đã được phát hành"):
        s.dossier_sign_result(dossier=ready, by=demo_org.staff["lanhdao.tx"], pin=PIN)
