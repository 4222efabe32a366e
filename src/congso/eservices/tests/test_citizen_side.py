"""The citizen side of the one-stop desk (issue #12 §5): a reference from submission that the
public lookup answers, the applicant told of a refusal, drafts that keep every field, no file
left behind by a failed attempt, attachments seen and removed before submitting."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.dossiers import services as ds
from congso.dossiers.models import Dossier, Status
from congso.dossiers.references import parse_reference
from congso.dossiers.tests.factories import offered_procedure
from congso.eservices import submission
from congso.eservices.models import DraftAttachment
from congso.notify.models import Notification
from congso.procedures.models import OnlineLevel

from .factories import CitizenFactory, pdf_bytes, png_bytes
from .test_submission import SCHEMA, form_post, start_draft

pytestmark = pytest.mark.django_db


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


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return (
        sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        if root.exists()
        else []
    )


def draft_url(draft) -> str:
    return f"/dich-vu-cong/ho-so-nhap/{draft.public_id}/"


def submit(client, demo_org, version) -> Dossier:
    draft = start_draft(client, demo_org, version)
    r = client.post(draft_url(draft), form_post(version, str(uuid.uuid4())))
    assert r.status_code == 302, r.content.decode()
    return Dossier.objects.get(online_draft=draft)


# --- the reference --------------------------------------------------------------------------


def lookup_api(client, code: str, number: str = "001090099999"):
    return client.post(
        "/api/v1/dossiers/lookup",
        json.dumps({"code": code, "identity_number": number}),
        content_type="application/json",
    )


def test_online_dossier_gets_a_reference_the_lookup_answers_before_and_after_its_code(
    client, demo_org, online_version, citizen
):
    client.force_login(citizen)
    dossier = submit(client, demo_org, online_version)
    assert dossier.code is None and re.fullmatch(
        r"TT-[2-9A-Z]{4}-[2-9A-Z]{4}", dossier.reference or ""
    )
    # The citizen sees it on the dossier page and in the message after submitting.
    page = client.get(f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert dossier.reference in page

    public = client.__class__()
    r = lookup_api(public, dossier.reference)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (
        body["code"] is None
        and body["reference"] == dossier.reference
        and body["status"] == Status.NEW
    )
    # Typed loosely: lower case, without dashes, with spaces.
    assert (
        lookup_api(public, " " + dossier.reference.replace("-", "").lower() + " ").status_code
        == 200
    )
    assert lookup_api(public, dossier.reference, "001090099998").status_code == 404  # wrong number
    html = public.post(
        "/tra-cuu/", {"ma": dossier.reference, "so_dinh_danh": "001090099999"}
    ).content.decode()
    assert dossier.reference in html and "Mới tiếp nhận trực tuyến" in html

    # Accepted: the code is issued; the reference keeps working and shows the code.
    ds.dossier_accept(dossier=dossier, by=demo_org.staff["motcua.tx"])
    dossier.refresh_from_db()
    body = lookup_api(public, dossier.reference).json()
    assert body["code"] == dossier.code and body["status"] == Status.ACCEPTED
    assert lookup_api(public, dossier.code).json()["reference"] == dossier.reference
    html = public.post(
        "/tra-cuu/", {"ma": dossier.reference, "so_dinh_danh": "001090099999"}
    ).content.decode()
    assert dossier.code in html and "Từ nay hãy dùng mã hồ sơ" in html


def test_reference_shape():
    assert parse_reference("tt 7kq4 m9xa") == "TT-7KQ4-M9XA"
    assert parse_reference("TT-7KQ4-M9X0") is None  # 0 is not in the alphabet
    assert parse_reference("H26.23-261202-0001") is None


# --- a refusal is told ----------------------------------------------------------------------


def test_refusal_of_an_online_dossier_notifies_the_applicant(
    client, demo_org, online_version, citizen, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    dossier = submit(client, demo_org, online_version)
    with django_capture_on_commit_callbacks(execute=True):
        ds.dossier_refuse(
            dossier=dossier,
            by=demo_org.staff["motcua.tx"],
            reason="Thủ tục không thuộc thẩm quyền của quận",
        )
    sent = Notification.objects.filter(event="dossier.refused")
    assert {n.recipient for n in sent} == {"binh@example.vn", "0912345678"}
    mail = sent.get(channel="email")
    assert dossier.reference in mail.subject and "không thuộc thẩm quyền" in mail.body
    assert mail.reference == dossier.reference


# --- drafts keep every field ----------------------------------------------------------------


def test_draft_keeps_the_applicant_block_as_typed(client, demo_org, online_version):
    # The account has no identity number and another address: what was typed must come back.
    someone = CitizenFactory(full_name="Trần Văn Cường")
    client.force_login(someone)
    draft = start_draft(client, demo_org, online_version)
    post = form_post(
        online_version,
        str(uuid.uuid4()),
        submit=False,
        name="Trần Văn Cường",
        id_number="001095012345",
        address="Số 5 ngõ 12 Khương Trung",
        phone="0987654321",
        email="cuong@example.vn",
    )
    assert client.post(draft_url(draft), post).status_code == 302
    page = client.get(draft_url(draft)).content.decode()
    for value in ("001095012345", "Số 5 ngõ 12 Khương Trung", "0987654321", "cuong@example.vn"):
        assert value in page, value
    # Kept also when invalid (to correct later).
    post = {k: v for k, v in post.items() if not k.startswith("paper_")}
    post.update(id_number="12345")
    assert client.post(draft_url(draft), post).status_code == 302
    html = client.get(draft_url(draft)).content.decode()
    assert re.search(r"id_number[^>]*value=\"12345\"|value=\"12345\"[^>]*id_number", html), (
        re.findall(r"<input[^>]*id_number[^>]*>", html)
    )


# --- nothing left in storage by a failed attempt -------------------------------------------


def test_refused_upload_writes_nothing(client, demo_org, online_version, citizen, settings):
    settings.CONGSO_VIRUS_SCANNER = "congso.core.uploads.EicarScanner"
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    before = stored_files(settings)
    post = form_post(online_version, str(uuid.uuid4()))
    post["paper_other"] = SimpleUploadedFile(
        "virus.pdf",
        b"%PDF-1.4 X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
    )
    r = client.post(draft_url(draft), post)
    assert r.status_code == 200 and not Dossier.objects.exists()
    assert stored_files(settings) == before


def test_exception_while_submitting_leaves_no_copied_files(
    client, demo_org, online_version, citizen, settings, monkeypatch
):
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    assert (
        client.post(
            draft_url(draft), form_post(online_version, str(uuid.uuid4()), submit=False)
        ).status_code
        == 302
    )
    before = stored_files(settings)
    assert len(before) == 2  # the draft's two attachments

    real = submission.audit_record

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("action") == "eservices.submit":
            raise RuntimeError("mất kết nối cơ sở dữ liệu")
        return real(*args, **kwargs)

    monkeypatch.setattr(submission, "audit_record", failing)
    with pytest.raises(RuntimeError):
        submission.draft_submit(
            draft=draft,
            user=citizen,
            key=uuid.uuid4(),
            applicant={"name": "Nguyễn Thị Bình", "id_number": "001090099999"},
        )
    assert not Dossier.objects.exists()
    assert stored_files(settings) == before  # the dossier's copies were removed again


def test_exception_in_an_online_supplement_leaves_no_files(
    client, demo_org, online_version, citizen, settings, monkeypatch
):
    client.force_login(citizen)
    dossier = submit(client, demo_org, online_version)
    org = demo_org
    ds.dossier_accept(dossier=dossier, by=org.staff["motcua.tx"])
    ds.dossier_hand_over(dossier=dossier, by=org.staff["motcua.tx"], to_unit=org.departments["TP"])
    ds.dossier_assign(
        dossier=dossier, by=org.staff["truongphong.tp"], specialist=org.staff["chuyenvien.tp"]
    )
    ds.dossier_supplement_request(
        dossier=dossier, by=org.staff["chuyenvien.tp"], missing="Bản sao rõ hơn"
    )
    before = stored_files(settings)
    real = submission.audit_record

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("action") == "eservices.supplement_reply":
            raise RuntimeError("lỗi giữa chừng")
        return real(*args, **kwargs)

    monkeypatch.setattr(submission, "audit_record", failing)
    with pytest.raises(RuntimeError):
        submission.supplement_reply(
            dossier=dossier,
            user=citizen,
            note="",
            files=[SimpleUploadedFile("moi.png", png_bytes())],
        )
    assert stored_files(settings) == before


# --- attachments seen and removed before submitting ---------------------------------------


def test_citizen_sees_opens_and_removes_attachments_before_submitting(
    client, demo_org, online_version, citizen, settings, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    draft = start_draft(client, demo_org, online_version)
    post = form_post(online_version, str(uuid.uuid4()), submit=False)
    post["paper_other"] = SimpleUploadedFile("giay-uy-quyen.pdf", pdf_bytes("uy quyen"))
    assert client.post(draft_url(draft), post).status_code == 302
    atts = {a.name: a for a in DraftAttachment.objects.filter(draft=draft)}
    assert len(atts) == 3
    page = client.get(draft_url(draft)).content.decode()
    for att in atts.values():
        assert (
            att.name in page
            and f"/tep/{att.pk}/" in page
            and f'name="delete" value="{att.pk}"' in page
        )
    other = next(a for a in atts.values() if a.paper_id is None)
    # The owner can open a file; nobody else can.
    r = client.get(f"{draft_url(draft)}tep/{other.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert r["Content-Type"] == "application/pdf" and r["X-Content-Type-Options"] == "nosniff"
    intruder = client.__class__()
    intruder.force_login(CitizenFactory())
    assert intruder.get(f"{draft_url(draft)}tep/{other.pk}/").status_code == 404

    # "Xoá": the file goes (row and stored file), what was typed stays, nothing is submitted.
    files_before = stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            draft_url(draft),
            {
                **form_post(online_version, str(uuid.uuid4())),
                "ef_noi_dung": "Đã sửa nội dung",
                "delete": str(other.pk),
            },
        )
    assert r.status_code == 302 and not Dossier.objects.exists()
    assert not DraftAttachment.objects.filter(pk=other.pk).exists()
    assert other.file.name not in stored_files(settings)
    assert (
        len(stored_files(settings)) == len(files_before) - 1 + 2
    )  # the two re-posted papers were added
    draft.refresh_from_db()
    assert draft.data["noi_dung"] == "Đã sửa nội dung"
    assert "Đã xoá tệp giay-uy-quyen.pdf" in client.get(draft_url(draft)).content.decode()
