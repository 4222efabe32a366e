"""Online submission end to end through the pages, with the dossier services standing in for
the officers: submit → accept → supplement online → pay in the sandbox → result signed and
downloaded → rating. Plus nothing-twice / nothing-half and scoping."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.core import pdf
from congso.dossiers import services as ds
from congso.dossiers.models import Dossier, ReturnMethod, Status
from congso.dossiers.tests.factories import offered_procedure
from congso.eservices.models import (
    Draft,
    DraftAttachment,
    ElectronicResult,
    Payment,
    SupplementReply,
)
from congso.procedures.models import OnlineLevel

from .factories import CitizenFactory, docx_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "noi_dung", "label": "Nội dung yêu cầu", "type": "textarea", "required": True},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "so_ban", "label": "Số bản sao", "type": "number", "required": False},
    {
        "name": "muc_dich",
        "label": "Mục đích",
        "type": "select",
        "choices": ["Học tập", "Công việc"],
        "required": True,
    },
]


@pytest.fixture
def online_version(demo_org):
    version = offered_procedure(demo_org.desk, name="Cấp bản sao trích lục khai sinh")
    version.online_level = OnlineLevel.FULL
    version.form_schema = SCHEMA
    version.save()
    return version


@pytest.fixture
def citizen():
    return CitizenFactory(profile__identity_number="001090099999", full_name="Nguyễn Thị Bình")


def start_draft(client, demo_org, version):
    r = client.post(f"/dich-vu-cong/nop/{version.procedure.slug}/", {"unit": demo_org.district.pk})
    assert r.status_code == 302, r.content.decode()
    return Draft.objects.get(public_id=r.url.rstrip("/").rsplit("/", 1)[1])


def form_post(version, key, *, submit=True, **extra):
    papers = list(version.papers.order_by("order"))
    data = {
        "key": key,
        "name": "Nguyễn Thị Bình",
        "id_number": "001090099999",
        "address": "12 Nguyễn Trãi",
        "phone": "0912345678",
        "email": "binh@example.vn",
        "ef_noi_dung": "Xin cấp 2 bản sao",
        "ef_ngay_sinh": "1990-05-01",
        "ef_so_ban": "2",
        "ef_muc_dich": "Học tập",
        f"paper_{papers[0].pk}": SimpleUploadedFile("Tờ khai.pdf", pdf_bytes()),
        f"paper_{papers[1].pk}": SimpleUploadedFile("cccd.png", png_bytes()),
    }
    data["submit" if submit else "save"] = "1"
    data.update(extra)
    return data


def test_home_lists_online_procedures_and_draft_page_renders_the_eform(
    client, demo_org, online_version, citizen
):
    assert online_version.name in client.get("/dich-vu-cong/").content.decode()
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    page = client.get(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/").content.decode()
    for label in ("Nội dung yêu cầu", "Ngày sinh", "Mục đích", "Tờ khai theo mẫu"):
        assert label in page
    # Another citizen cannot see it.
    client.force_login(CitizenFactory())
    assert client.get(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/").status_code == 404


def test_eform_validation_messages_and_draft_keeps_what_was_typed(
    client, demo_org, online_version, citizen
):
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    post = form_post(
        online_version,
        "11111111-1111-4111-8111-111111111111",
        ef_noi_dung="",
        ef_ngay_sinh="hôm qua",
        ef_muc_dich="Khác",
    )
    r = client.post(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/", post)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Vui lòng nhập “Nội dung yêu cầu”." in html
    assert "Ngày không hợp lệ" in html and "Lựa chọn không hợp lệ." in html
    assert not Dossier.objects.exists()
    draft.refresh_from_db()
    assert draft.data["ngay_sinh"] == "hôm qua"  # kept as typed, to correct later
    assert draft.attachments.count() == 2  # the good files were kept with the draft


def test_submit_once_even_when_posted_twice(client, demo_org, online_version, citizen):
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    key = "22222222-2222-4222-8222-222222222222"
    r1 = client.post(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/", form_post(online_version, key))
    assert r1.status_code == 302, r1.content.decode()
    r2 = client.post(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/", form_post(online_version, key))
    assert r2.status_code == 302 and r2.url == r1.url
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NEW and dossier.code is None and dossier.channel == 2
    assert dossier.applicant_user == citizen and dossier.form_data["muc_dich"] == "Học tập"
    assert dossier.attachments.count() == 2 and dossier.receiving_unit == demo_org.desk
    # The same draft submitted from another tab (another key) still makes no second dossier.
    import uuid

    from congso.eservices.submission import draft_submit

    again = draft_submit(draft=draft, user=citizen, key=uuid.uuid4(), applicant={})
    assert again == dossier and Dossier.objects.count() == 1


def test_bad_upload_leaves_nothing_half(client, demo_org, online_version, citizen, settings):
    settings.CONGSO_VIRUS_SCANNER = "congso.core.uploads.EicarScanner"
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    papers = list(online_version.papers.order_by("order"))
    post = form_post(online_version, "33333333-3333-4333-8333-333333333333")
    post[f"paper_{papers[1].pk}"] = SimpleUploadedFile("exe.pdf", b"MZ\x90\x00 binary")
    r = client.post(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/", post)
    assert r.status_code == 200 and "không đúng định dạng" in r.content.decode()
    assert not Dossier.objects.exists() and not DraftAttachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_failure_inside_the_transaction_removes_written_files(
    demo_org, online_version, citizen, settings, monkeypatch
):
    """An interrupted save (here: the database refusing the second row) leaves no file behind."""
    from congso.eservices import submission

    draft = submission.draft_create(user=citizen, version=online_version, unit=demo_org.district)
    papers = list(online_version.papers.order_by("order"))
    calls = {"n": 0}
    real_save = DraftAttachment.save

    def failing_save(self, *a, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("mất kết nối giữa chừng")
        return real_save(self, *a, **kw)

    monkeypatch.setattr(DraftAttachment, "save", failing_save)
    with pytest.raises(RuntimeError):
        submission.draft_save(
            draft=draft,
            user=citizen,
            data={},
            uploads={
                papers[0].pk: [SimpleUploadedFile("a.pdf", pdf_bytes())],
                papers[1].pk: [SimpleUploadedFile("b.docx", docx_bytes())],
            },
        )
    assert not DraftAttachment.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def result_pdf() -> SimpleUploadedFile:
    data = pdf.build(
        [pdf.p("TRÍCH LỤC KHAI SINH (BẢN SAO)", "title"), pdf.p("Nguyễn Thị Bình")], title="Kết quả"
    )
    return SimpleUploadedFile("ket-qua.pdf", data)


def test_whole_online_life(
    client, demo_org, online_version, citizen, settings, django_capture_on_commit_callbacks
):
    settings.CONGSO_PAYMENT_SANDBOX = True
    org = demo_org
    client.force_login(citizen)
    draft = start_draft(client, org, online_version)
    r = client.post(
        f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/",
        form_post(online_version, "44444444-4444-4444-8444-444444444444"),
    )
    dossier = Dossier.objects.get()
    page = client.get(r.url).content.decode()
    assert "Mới tiếp nhận trực tuyến" in page

    # The desk accepts: code and appointment from acceptance.
    with django_capture_on_commit_callbacks(execute=True):
        ds.dossier_accept(dossier=dossier, by=org.staff["motcua.tx"])
    dossier.refresh_from_db()
    assert dossier.code and dossier.due_at and dossier.status == Status.ACCEPTED
    ds.dossier_hand_over(dossier=dossier, by=org.staff["motcua.tx"], to_unit=org.departments["TP"])
    ds.dossier_assign(
        dossier=dossier, by=org.staff["truongphong.tp"], specialist=org.staff["chuyenvien.tp"]
    )
    ds.dossier_supplement_request(
        dossier=dossier, by=org.staff["chuyenvien.tp"], missing="Bản sao CCCD rõ nét hơn"
    )
    page = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert "Bản sao CCCD rõ nét hơn" in page and dossier.code in page

    # Supplement online.
    r = client.post(
        f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/",
        {
            "action": "supplement",
            "note": "Gửi lại bản rõ",
            "files": [SimpleUploadedFile("cccd-moi.jpg", b"\xff\xd8\xff\xe0" + b"1" * 50)],
        },
    )
    assert r.status_code == 302
    reply = SupplementReply.objects.get(dossier=dossier)
    # The online answer is the receipt: the file is the dossier's and the clock runs again.
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paused_at is None
    assert (
        dossier.attachments.filter(
            supplement=reply.supplement, original_name="cccd-moi.jpg"
        ).count()
        == 1
    )
    # Nothing left open to answer twice.
    r = client.post(
        f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/",
        {"action": "supplement", "files": [SimpleUploadedFile("x.pdf", pdf_bytes())]},
    )
    assert r.status_code == 400 and "không ở trạng thái chờ bổ sung" in r.content.decode()

    # Fee online: no result before payment.
    ds.dossier_request_payment(dossier=dossier, by=org.staff["chuyenvien.tp"], amount=8000)
    r = client.post(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/", {"action": "pay"})
    assert r.status_code == 302 and "/sandbox-thanh-toan/?" in r.url
    r = client.post(
        "/sandbox-thanh-toan/", {**dict(parse_qsl(urlsplit(r.url).query)), "action": "pay"}
    )
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == "paid" and payment.amount == 8000
    dossier.refresh_from_db()
    assert dossier.fee_paid and dossier.status == Status.PROCESSING
    assert "Đã thanh toán" in client.get(r.url).content.decode()

    ds.dossier_submit(dossier=dossier, by=org.staff["chuyenvien.tp"], result_summary="Đủ điều kiện")
    ds.dossier_approve(dossier=dossier, by=org.staff["lanhdao.tx"])
    ds.dossier_record_result(
        dossier=dossier, by=org.staff["vanthu.tx"], result_number="15/TL", result_file=result_pdf()
    )
    ds.dossier_return_to_desk(dossier=dossier, by=org.staff["vanthu.tx"])
    ds.dossier_return_result(dossier=dossier, by=org.staff["motcua.tx"], method=ReturnMethod.ONLINE)

    # The signed result: download, verify the signature; only the applicant gets it.
    r = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/ket-qua.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    from congso.signing.services import verify_pdf

    reports = verify_pdf(r.content)
    assert len(reports) == 1 and reports[0].ok, reports
    again = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/ket-qua.pdf")
    assert again.content == r.content and ElectronicResult.objects.count() == 1

    # Rating, once.
    r = client.post(
        f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/",
        {"action": "rate", "level": "3", "comment": "Nhanh"},
    )
    assert r.status_code == 302
    assert dossier.rating.level == 3 and dossier.rating.source == "online"
    assert (
        "Rất hài lòng" in client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/").content.decode()
    )

    other = CitizenFactory()
    client.force_login(other)
    assert client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/").status_code == 404
    assert client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/ket-qua.pdf").status_code == 404


def test_no_result_before_payment(demo_org, online_version, citizen):
    import uuid

    from django.core.exceptions import ValidationError

    from congso.eservices import submission

    org = demo_org
    draft = submission.draft_create(user=citizen, version=online_version, unit=org.district)
    papers = list(online_version.papers.order_by("order"))
    submission.draft_save(
        draft=draft,
        user=citizen,
        data={"noi_dung": "x", "ngay_sinh": "1990-01-01", "muc_dich": "Học tập"},
        uploads={
            papers[0].pk: [SimpleUploadedFile("a.pdf", pdf_bytes())],
            papers[1].pk: [SimpleUploadedFile("b.pdf", pdf_bytes())],
        },
    )
    dossier = submission.draft_submit(draft=draft, user=citizen, key=uuid.uuid4(), applicant={})
    ds.dossier_accept(dossier=dossier, by=org.staff["motcua.tx"])
    ds.dossier_request_payment(dossier=dossier, by=org.staff["motcua.tx"], amount=8000)
    dossier.refresh_from_db()
    assert not submission.result_available(dossier)
    with pytest.raises(ValidationError):
        submission.result_release(dossier=dossier, user=citizen)


def test_my_dossiers_shows_only_mine_with_constant_queries(
    client, demo_org, online_version, citizen
):
    from congso.dossiers.services import Applicant, dossier_submit_online

    def make(user, n):  # type: ignore[no-untyped-def]
        for _ in range(n):
            dossier_submit_online(
                version=online_version,
                agency=demo_org.district,
                applicant_user=user,
                applicant=Applicant(kind="individual", name=str(user), id_number="001090099999"),
            )

    other = CitizenFactory()
    make(other, 2)
    make(citizen, 2)
    client.force_login(citizen)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/dich-vu-cong/ho-so-cua-toi/")
        assert r.status_code == 200
        return len(ctx.captured_queries)

    client.get(
        "/dich-vu-cong/ho-so-cua-toi/"
    )  # warm: the session and the staff lookup reach the cache
    first = count()
    make(citizen, 1)
    assert count() == first
    page = client.get("/dich-vu-cong/ho-so-cua-toi/").content.decode()
    assert len(re.findall(r"/dich-vu-cong/ho-so-cua-toi/\d+/", page)) == 3


def test_someone_elses_key_never_returns_their_dossier(demo_org, online_version, citizen):
    import uuid

    from django.core.exceptions import PermissionDenied, ValidationError

    from congso.eservices import submission

    def ready(user):  # type: ignore[no-untyped-def]
        draft = submission.draft_create(user=user, version=online_version, unit=demo_org.district)
        papers = list(online_version.papers.filter(required=True))
        submission.draft_save(
            draft=draft,
            user=user,
            data={"noi_dung": "x", "ngay_sinh": "1990-01-01", "muc_dich": "Học tập"},
            uploads={p.pk: [SimpleUploadedFile("a.pdf", pdf_bytes())] for p in papers},
        )
        return draft

    key = uuid.uuid4()
    theirs = submission.draft_submit(draft=ready(citizen), user=citizen, key=key, applicant={})
    intruder = CitizenFactory(profile__identity_number="001090088888")
    with pytest.raises((PermissionDenied, ValidationError)):
        submission.draft_submit(draft=ready(intruder), user=intruder, key=key, applicant={})
    assert Dossier.objects.count() == 1 and theirs.applicant_user == citizen


def test_online_submission_with_a_docx_creates_the_dossier_with_it(
    client, demo_org, online_version, citizen
):
    """A DOCX accepted in the draft is accepted again when the dossier is created (one validator)."""
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    papers = list(online_version.papers.order_by("order"))
    post = form_post(online_version, "44444444-4444-4444-8444-444444444444")
    post[f"paper_{papers[0].pk}"] = SimpleUploadedFile("Tờ khai.docx", docx_bytes())
    r = client.post(f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/", post)
    assert r.status_code == 302, r.content.decode()
    dossier = Dossier.objects.get()
    kinds = sorted(a.content_type for a in dossier.attachments.all())
    assert kinds == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]
    docx = next(a for a in dossier.attachments.all() if a.content_type.endswith("document"))
    assert docx.size == len(docx_bytes()) and docx.file.name.endswith(".docx")


def test_supplement_answer_is_all_or_nothing(demo_org, online_version, citizen):
    """If the dossier side refuses the answer, the e-services reply is not kept either."""
    from django.core.exceptions import ValidationError

    from congso.dossiers.models import Attachment
    from congso.dossiers.tests.conftest import all_papers, person
    from congso.eservices.submission import supplement_reply

    org = demo_org
    d = ds.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=online_version,
        applicant=person(),
        papers=all_papers(online_version),
    )
    Dossier.objects.filter(pk=d.pk).update(applicant_user=citizen)
    ds.dossier_hand_over(dossier=d, by=org.staff["motcua.tx"], to_unit=org.departments["TP"])
    ds.dossier_supplement_request(dossier=d, by=org.staff["truongphong.tp"], missing="Bản sao")
    # A dossier in status 5 whose pause was lost: the clock cannot restart, so nothing is kept.
    Dossier.objects.filter(pk=d.pk).update(paused_at=None)
    attachments = Attachment.objects.count()
    with pytest.raises(ValidationError, match="Không có yêu cầu bổ sung đang chờ"):
        supplement_reply(
            dossier=Dossier.objects.get(pk=d.pk),
            user=citizen,
            note="x",
            files=[SimpleUploadedFile("a.pdf", pdf_bytes())],
        )
    assert not SupplementReply.objects.exists() and Attachment.objects.count() == attachments
    assert Dossier.objects.get(pk=d.pk).status == Status.SUPPLEMENT
