"""Per-user daily upload quota (issue #11, finding 9; ADR 0104): enforced by the one upload
module for citizens (drafts, supplement answers) and officers (desk scans, result files,
document scans and drafts), larger for officers, all or nothing per batch, a clear Vietnamese
refusal and nothing saved; a refused or rolled-back operation gives its bytes back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from congso.core.models import UploadDay
from congso.core.uploads import charge_upload_quota, quota_for
from congso.documents import services as doc_services
from congso.documents.models import IncomingDocument
from congso.documents.tests.conftest import scan
from congso.dossiers import services as s
from congso.dossiers.models import Dossier
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure
from congso.eservices import submission
from congso.eservices.models import DraftAttachment
from congso.eservices.tests.factories import CitizenFactory, pdf_bytes

pytestmark = pytest.mark.django_db

KB = 1024


@pytest.fixture
def small_quotas(settings):
    settings.CONGSO_UPLOAD_DAILY_MB_CITIZEN = 1
    settings.CONGSO_UPLOAD_DAILY_FILES_CITIZEN = 3
    settings.CONGSO_UPLOAD_DAILY_MB_STAFF = 5
    settings.CONGSO_UPLOAD_DAILY_FILES_STAFF = 10


def _pdf(name: str, size: int) -> SimpleUploadedFile:
    data = pdf_bytes()
    return SimpleUploadedFile(name, data + b"%" * (size - len(data)), "application/pdf")


def _draft(demo_org, citizen):
    version = offered_procedure(demo_org.desk, name="Cấp bản sao trích lục khai sinh")
    version.online_level = "full"
    version.save()
    return submission.draft_create(user=citizen, version=version, unit=demo_org.district)


def _used(user) -> tuple[int, int]:
    row = UploadDay.objects.filter(user=user, day=timezone.localdate()).first()
    return (row.files, row.size) if row else (0, 0)


def test_citizen_over_the_daily_bytes_is_refused_in_vietnamese_and_nothing_is_saved(
    demo_org, small_quotas
):
    citizen = CitizenFactory()
    draft = _draft(demo_org, citizen)
    submission.draft_save(
        draft=draft, user=citizen, data={}, uploads={None: [_pdf("a.pdf", 600 * KB)]}
    )
    assert _used(citizen) == (1, 600 * KB)
    with pytest.raises(ValidationError) as refused:
        submission.draft_save(
            draft=draft, user=citizen, data={}, uploads={None: [_pdf("b.pdf", 600 * KB)]}
        )
    message = refused.value.messages[0]
    assert message.startswith("Vượt hạn mức tải tệp trong ngày")
    assert "tối đa 3 tệp và 1,0 MB" in message and "Chưa tệp nào được lưu" in message
    assert DraftAttachment.objects.count() == 1
    assert _used(citizen) == (1, 600 * KB)


def test_a_batch_is_counted_all_or_nothing_and_a_refusal_costs_nothing(demo_org, small_quotas):
    citizen = CitizenFactory()
    draft = _draft(demo_org, citizen)
    files = [_pdf(f"{n}.pdf", 10 * KB) for n in "abcd"]
    with pytest.raises(ValidationError, match="Vượt hạn mức"):
        submission.draft_save(draft=draft, user=citizen, data={}, uploads={None: files})
    assert DraftAttachment.objects.count() == 0 and _used(citizen) == (0, 0)
    submission.draft_save(draft=draft, user=citizen, data={}, uploads={None: files[:3]})
    assert DraftAttachment.objects.count() == 3 and _used(citizen) == (3, 30 * KB)


def test_officers_have_the_larger_allowance_at_the_desk(demo_org, small_quotas):
    officer = demo_org.user("motcua.tx")
    assert quota_for(officer).max_bytes == 5 * 1024 * 1024
    assert quota_for(CitizenFactory()).max_bytes == 1024 * 1024
    version = offered_procedure(demo_org.desk)

    def receive(files):
        return s.dossier_receive(
            by=demo_org.staff["motcua.tx"],
            receiving_unit=demo_org.desk,
            version=version,
            applicant=person(),
            papers=all_papers(version),
            attachments=files,
        )

    receive(
        [_pdf("a.pdf", 2 * 1024 * KB), _pdf("b.pdf", 2 * 1024 * KB)]
    )  # 4 MB: a citizen could not
    assert _used(officer) == (2, 4 * 1024 * KB)
    with pytest.raises(ValidationError, match="Vượt hạn mức"):
        receive([_pdf("c.pdf", 2 * 1024 * KB)])
    assert Dossier.objects.count() == 1
    assert _used(officer) == (2, 4 * 1024 * KB)


def test_document_scans_count_for_the_clerk_and_a_rolled_back_operation_gives_them_back(
    demo_org, small_quotas, monkeypatch
):
    clerk = demo_org.user("vanthu.tx")
    values = {"sender_name": "Sở Tư pháp Hà Nội", "abstract": "Về việc hòa giải"}
    doc_services.incoming_register(by=clerk, unit=demo_org.district, files=[scan()], **values)
    assert _used(clerk)[0] == 1

    # Refused after the files were checked and counted (the register's counter fails): the
    # service's transaction rolls the count back with everything else.
    def no_number(*args, **kwargs):
        raise ValidationError("Sổ văn bản đang khóa.")

    monkeypatch.setattr(doc_services, "next_number", no_number)
    with pytest.raises(ValidationError, match="Sổ văn bản đang khóa"):
        doc_services.incoming_register(by=clerk, unit=demo_org.district, files=[scan()], **values)
    assert IncomingDocument.objects.count() == 1
    assert _used(clerk)[0] == 1


def test_the_allowance_is_per_day_and_zero_means_no_limit(demo_org, small_quotas, settings):
    citizen = CitizenFactory()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    UploadDay.objects.create(user=citizen, day=yesterday, size=1024 * KB, files=3)
    charge_upload_quota(citizen, [500 * KB, 500 * KB])  # a new day
    assert _used(citizen) == (2, 1000 * KB)
    settings.CONGSO_UPLOAD_DAILY_MB_CITIZEN = 0
    settings.CONGSO_UPLOAD_DAILY_FILES_CITIZEN = 0
    charge_upload_quota(citizen, [50 * 1024 * KB] * 20)
    assert _used(citizen)[0] == 22
    # Nobody signed in (a system delivery) is not counted.
    charge_upload_quota(None, [10 * KB])
    assert UploadDay.objects.count() == 2
