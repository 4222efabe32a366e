"""What each person at the desk sees (issue #12 §3): the e-form as labelled fields and each
file with the paper it answers, the approval chain (findings, draft, number) before approving,
internal findings kept out of the citizen's result unless chosen, and a citizen's supplement
with its note and files, flagged in the queue until an officer acts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congso.accounts.models import AccountKind, User
from congso.dossiers import services as s
from congso.dossiers.api import issue_token
from congso.dossiers.models import Dossier
from congso.procedures.models import OnlineLevel

from .conftest import all_papers, person

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
SCHEMA = [
    {"name": "ho_ten_cha", "label": "Họ và tên cha", "type": "text"},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date"},
    {"name": "ban_sao", "label": "Số bản sao đề nghị", "type": "number"},
]


@pytest.fixture
def online_dossier(demo_org, district_version):
    district_version.online_level = OnlineLevel.FULL
    district_version.form_schema = SCHEMA
    district_version.save()
    papers = list(district_version.papers.order_by("order"))
    return s.dossier_submit_online(
        version=district_version,
        agency=demo_org.district,
        applicant=person(),
        form_data={"ho_ten_cha": "Nguyễn Văn Bảo", "ngay_sinh": "2026-01-15", "ban_sao": 2},
        attachments=[SimpleUploadedFile("to-khai.pdf", PDF), SimpleUploadedFile("cccd.pdf", PDF)],
        attachment_papers=[papers[0], papers[1]],
    )


def test_officer_reads_the_eform_and_the_papers_each_file_answers(client, demo_org, online_dossier):
    client.force_login(demo_org.user("motcua.tx"))
    page = client.get(reverse("dossiers:detail", args=[online_dossier.ref])).content.decode()
    assert "Tờ khai điện tử" in page
    for text in (
        "Họ và tên cha",
        "Nguyễn Văn Bảo",
        "Ngày sinh",
        "15/01/2026",
        "Số bản sao đề nghị",
    ):
        assert text in page
    assert "Tờ khai theo mẫu: <a" in page and "Bản sao giấy tờ tùy thân: <a" in page
    token = issue_token(demo_org.staff["motcua.tx"], "t")
    data = client.get(
        f"/api/v1/dossiers/{online_dossier.ref}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert {"label": "Họ và tên cha", "value": "Nguyễn Văn Bảo"} in data["form_fields"]
    assert [a["required_paper"] for a in data["attachments"]] == [
        "Tờ khai theo mẫu",
        "Bản sao giấy tờ tùy thân",
    ]


def _to_leader(org, version):
    d = s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )
    s.dossier_hand_over(dossier=d, by=org.staff["motcua.tx"], to_unit=org.departments["TP"])
    s.dossier_assign(
        dossier=d, by=org.staff["truongphong.tp"], specialist=org.staff["chuyenvien.tp"]
    )
    s.dossier_submit(
        dossier=d,
        by=org.staff["chuyenvien.tp"],
        findings="Đối chiếu sổ hộ tịch: khớp.",
        result_draft="Cấp 02 bản sao trích lục khai sinh.",
    )
    d.refresh_from_db()
    return d


def test_leader_and_clerk_see_the_findings_and_the_draft(client, demo_org, district_version):
    d = _to_leader(demo_org, district_version)
    for username in ("lanhdao.tx", "truongphong.tp"):
        client.force_login(demo_org.user(username))
        page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
        assert "Kết quả thẩm định (nội bộ)" in page and "Đối chiếu sổ hộ tịch: khớp." in page
        assert "Cấp 02 bản sao trích lục khai sinh." in page
    s.dossier_approve(dossier=d, by=demo_org.staff["lanhdao.tx"])
    client.force_login(demo_org.user("vanthu.tx"))
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Đối chiếu sổ hộ tịch: khớp." in page and 'name="include_findings"' in page


def test_findings_are_not_the_citizens_result_unless_chosen(demo_org, district_version):
    d = _to_leader(demo_org, district_version)
    s.dossier_approve(dossier=d, by=demo_org.staff["lanhdao.tx"])
    s.dossier_record_result(dossier=d, by=demo_org.staff["vanthu.tx"], result_number="15/TP")
    d.refresh_from_db()
    assert (
        d.result_summary == "Cấp 02 bản sao trích lục khai sinh."
        and "hộ tịch" not in d.result_summary
    )
    other = _to_leader(demo_org, district_version)
    s.dossier_approve(dossier=other, by=demo_org.staff["lanhdao.tx"])
    s.dossier_record_result(
        dossier=other, by=demo_org.staff["vanthu.tx"], result_number="16/TP", include_findings=True
    )
    other.refresh_from_db()
    assert "Đối chiếu sổ hộ tịch: khớp." in other.result_summary


def test_citizen_supplement_shown_and_flagged_until_an_officer_acts(
    client, demo_org, district_version
):
    owner = User.objects.create_user(
        username="binh@example.vn",
        password="x",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Thị Bình",
        email="binh@example.vn",
    )
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
    )
    Dossier.objects.filter(pk=d.pk).update(applicant_user=owner)
    s.dossier_hand_over(
        dossier=d, by=demo_org.staff["motcua.tx"], to_unit=demo_org.departments["TP"]
    )
    s.dossier_supplement_request(
        dossier=d, by=demo_org.staff["truongphong.tp"], missing="Bản sao sổ hộ khẩu"
    )
    from congso.eservices.submission import supplement_reply

    supplement_reply(
        dossier=Dossier.objects.get(pk=d.pk),
        user=owner,
        note="Gửi bản sao sổ hộ khẩu",
        files=[SimpleUploadedFile("ho-khau.pdf", PDF)],
    )
    client.force_login(demo_org.user("truongphong.tp"))
    queue = client.get(reverse("dossiers:queue") + "?tab=assign").content.decode()
    assert "Mới bổ sung" in queue
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Gửi bản sao sổ hộ khẩu" in page and "ho-khau.pdf" in page
    s.dossier_assign(
        dossier=d, by=demo_org.staff["truongphong.tp"], specialist=demo_org.staff["chuyenvien.tp"]
    )
    d.refresh_from_db()
    assert d.supplement_answered_at is None
