from decimal import Decimal

import pytest

from congso.accounts.testing import login_verified
from congso.procedures.models import ProcedureVersion
from congso.procedures.services import version_publish

from .factories import VersionFactory, complete

pytestmark = pytest.mark.django_db


def test_admin_locks_published_versions_and_publishes_drafts(client, demo_org):
    admin = demo_org.user("quantri")
    login_verified(client, admin)
    published = version_publish(by=admin, version=complete(VersionFactory()))
    url = f"/quan-tri/procedures/procedureversion/{published.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="duration"' not in page  # every field read-only
    assert 'name="papers-0-name"' not in page  # inline papers read-only too
    client.post(url, {"duration": "99", "name": "Đổi tên"})
    published.refresh_from_db()
    assert published.duration == Decimal(3) and published.name != "Đổi tên"
    assert (
        client.post(
            f"/quan-tri/procedures/procedureversion/{published.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert ProcedureVersion.objects.filter(pk=published.pk).exists()
    # A draft is editable and can be published by the admin action, which applies the rules.
    draft = VersionFactory(
        procedure=published.procedure, number=2, valid_from=published.valid_from.replace(year=2020)
    )
    assert (
        'name="duration"'
        in client.get(f"/quan-tri/procedures/procedureversion/{draft.pk}/change/").content.decode()
    )
    response = client.post(
        "/quan-tri/procedures/procedureversion/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Cần ít nhất một thành phần hồ sơ." in response.content.decode()
    complete(draft)
    client.post(
        "/quan-tri/procedures/procedureversion/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published


HTML_AS_PDF = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"
SCRIPTED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"
)


def _paper_formset(demo_org, version, upload):
    """The admin's own inline formset for a version's papers, as its change page posts it."""
    from django.contrib import admin
    from django.test import RequestFactory

    from congso.procedures.models import RequiredPaper

    request = RequestFactory().post("/quan-tri/")
    request.user = demo_org.user("quantri")
    model_admin = admin.site._registry[ProcedureVersion]
    inline = next(
        i for i in model_admin.get_inline_instances(request, version) if i.model is RequiredPaper
    )
    formset_class = inline.get_formset(request, version)
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-order": "1",
        f"{prefix}-0-name": "Tờ khai",
        f"{prefix}-0-form_name": "Mẫu TK-01",
        f"{prefix}-0-originals": "1",
        f"{prefix}-0-copies": "0",
        f"{prefix}-0-required": "on",
    }
    return formset_class(data, {f"{prefix}-0-form_file": upload}, instance=version, prefix=prefix)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mau.pdf", HTML_AS_PDF, "mã HTML"),
        ("mau.pdf", SCRIPTED_PDF, "mã lệnh tự chạy"),
        ("mau.exe", b"MZ\x90\x00", "không đúng định dạng"),
        ("mau.docx", b"%PDF-1.4\n%%EOF", "không khớp"),
    ],
)
def test_admin_form_file_goes_through_the_upload_validator(demo_org, name, content, message):
    """Issue #11, finding 9: a form template uploaded in /quan-tri/ is checked like every other
    upload (type by content, active content, scanner), not stored as sent."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congso.procedures.models import RequiredPaper

    draft = VersionFactory()
    formset = _paper_formset(demo_org, draft, SimpleUploadedFile(name, content))
    assert not formset.is_valid()
    assert message in " ".join(formset.errors[0]["form_file"])
    assert not RequiredPaper.objects.filter(version=draft, name="Tờ khai").exists()


def test_admin_form_file_accepts_a_clean_pdf_and_the_scanner_is_asked(demo_org, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congso.eservices.tests.factories import pdf_bytes

    draft = VersionFactory()
    formset = _paper_formset(demo_org, draft, SimpleUploadedFile("mau.pdf", pdf_bytes()))
    assert formset.is_valid(), formset.errors
    settings.CONGSO_VIRUS_SCANNER = "congso.core.uploads.EicarScanner"
    infected = pdf_bytes("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
    formset = _paper_formset(demo_org, draft, SimpleUploadedFile("mau.pdf", infected))
    assert not formset.is_valid()
    assert "mã độc" in " ".join(formset.errors[0]["form_file"])
