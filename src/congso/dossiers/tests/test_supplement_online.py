"""The applicant answers a supplement request online: the answer is the receipt, the clock
restarts by exactly the working time waited, and nothing changes when anything is wrong."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congso.accounts.models import AccountKind, User
from congso.audit.models import AuditEvent
from congso.dossiers import services as s
from congso.dossiers.models import Attachment, Dossier, Status, StatusHistory, SyncJob
from congso.notify.models import Notification

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def citizen(username: str = "binh@example.vn") -> User:
    return User.objects.create_user(
        username=username,
        password="x",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Thị Bình",
        email=username,
    )


@pytest.fixture
def waiting(demo_org, district_version):
    """A dossier of an online applicant, asked for a supplement on Mon 02/03/2026 10:00."""
    owner = citizen()
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
        at=local(2026, 3, 2, 9),
    )  # due Thu 05/03 09:00
    Dossier.objects.filter(pk=d.pk).update(applicant_user=owner)
    d.refresh_from_db()
    s.dossier_hand_over(
        dossier=d,
        by=demo_org.staff["motcua.tx"],
        to_unit=demo_org.departments["TP"],
        at=local(2026, 3, 2, 9, 30),
    )
    s.dossier_supplement_request(
        dossier=d,
        by=demo_org.staff["truongphong.tp"],
        missing="Bản sao sổ hộ khẩu",
        at=local(2026, 3, 2, 10),
    )
    d.refresh_from_db()
    return d, owner


def snapshot(d: Dossier) -> tuple:
    d = Dossier.objects.get(pk=d.pk)
    return (
        d.status,
        d.due_at,
        d.paused_at,
        d.paused_seconds,
        Attachment.objects.count(),
        StatusHistory.objects.count(),
        SyncJob.objects.count(),
        AuditEvent.objects.count(),
    )


def test_online_answer_restarts_the_clock_by_the_working_time_waited(
    waiting, demo_org, django_capture_on_commit_callbacks
):
    d, owner = waiting
    due_before = d.due_at
    jobs = SyncJob.objects.filter(dossier=d).count()
    with django_capture_on_commit_callbacks(execute=True):
        sup = s.dossier_supplement_receive_online(
            dossier=d,
            user=owner,
            note="Gửi bản sao sổ hộ khẩu",
            files=[SimpleUploadedFile("So ho khau.pdf", PDF)],
            at=local(2026, 3, 3, 10),
        )
    d.refresh_from_db()
    # Mon 10-12, 13-17 and Tue 8-10 = 8 working hours waited: Thu 09:00 → Fri 09:00.
    assert sup.waited_seconds == 8 * 3600 and sup.received_at == local(2026, 3, 3, 10)
    assert due_before == local(2026, 3, 5, 9) and d.due_at == local(2026, 3, 6, 9) == sup.due_after
    assert d.status == Status.PROCESSING and d.paused_at is None and d.paused_seconds == 8 * 3600
    att = d.attachments.get(supplement=sup)
    assert att.original_name == "So ho khau.pdf" and att.uploaded_by == owner
    row = d.history.order_by("-at", "-pk").first()
    assert (row.action, row.from_status, row.to_status, row.actor, row.actor_name) == (
        "supplement_receive",
        Status.SUPPLEMENT,
        Status.PROCESSING,
        None,
        "Nguyễn Thị Bình",
    )
    event = AuditEvent.objects.filter(action="dossier.supplement_receive_online").get()
    assert event.actor_id == owner.pk
    assert SyncJob.objects.filter(dossier=d).count() == jobs + 1
    # The requester and the desk's one-stop officers are told, after commit.
    told = set(
        Notification.objects.filter(event="dossier.supplement_answered").values_list(
            "recipient", flat=True
        )
    )
    assert {"truongphong.tp@congso.local", "motcua.tx@congso.local"} <= told
    assert "motcua.km@congso.local" not in told  # another ward's desk is not told


def test_staff_and_online_paths_move_the_due_time_alike(waiting, demo_org):
    d, _owner = waiting
    with pytest.raises(PermissionDenied):  # the staff path still needs a desk role
        s.dossier_supplement_receive(
            dossier=d, by=demo_org.staff["motcua.km"], at=local(2026, 3, 3, 10)
        )
    staff_sup = s.dossier_supplement_receive(
        dossier=d, by=demo_org.staff["motcua.tx"], at=local(2026, 3, 3, 10)
    )
    assert staff_sup.due_after == local(2026, 3, 6, 9)


def test_wrong_user_is_refused_and_nothing_changes(waiting):
    d, _owner = waiting
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        s.dossier_supplement_receive_online(
            dossier=d, user=citizen("khac@example.vn"), files=[SimpleUploadedFile("a.pdf", PDF)]
        )
    assert snapshot(d) == before


def test_wrong_status_is_refused(waiting, demo_org):
    d, owner = waiting
    s.dossier_supplement_receive(
        dossier=d, by=demo_org.staff["motcua.tx"], at=local(2026, 3, 3, 10)
    )
    before = snapshot(d)
    with pytest.raises(ValidationError, match="không ở trạng thái chờ bổ sung"):
        s.dossier_supplement_receive_online(
            dossier=d, user=owner, files=[SimpleUploadedFile("a.pdf", PDF)]
        )
    assert snapshot(d) == before


def test_a_bad_file_changes_nothing(waiting):
    d, owner = waiting
    before = snapshot(d)
    stored = (
        set(default_storage.listdir("dossiers/attachments")[0])
        if default_storage.exists("dossiers/attachments")
        else set()
    )
    with pytest.raises(ValidationError, match="không đúng định dạng"):
        s.dossier_supplement_receive_online(
            dossier=d,
            user=owner,
            files=[
                SimpleUploadedFile("a.pdf", PDF),
                SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"),
            ],
        )
    assert snapshot(d) == before
    after = (
        set(default_storage.listdir("dossiers/attachments")[0])
        if default_storage.exists("dossiers/attachments")
        else set()
    )
    assert after == stored


def test_staff_detail_lists_the_reply_files(client, waiting, demo_org):
    d, owner = waiting
    s.dossier_supplement_receive_online(
        dossier=d,
        user=owner,
        files=[SimpleUploadedFile("ho-khau.pdf", PDF)],
        at=local(2026, 3, 3, 10),
    )
    client.force_login(demo_org.staff["motcua.tx"].user)
    html = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Người nộp bổ sung trực tuyến" in html and "ho-khau.pdf" in html
