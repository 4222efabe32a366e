"""The intake form at the counter (issue #12 §4): defaults, the full procedure list, the CCCD
QR line read on the server, the returning applicant and the open-dossier warning."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congso.audit.models import AuditEvent
from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Status

from .conftest import all_papers, person
from .factories import offered_procedure
from .test_views import intake_post, login

pytestmark = pytest.mark.django_db

QR = "001099012345|012345678|Nguyễn Văn An|01011999|Nam|Số 1 phố X, phường Y, Hà Nội|15062021"


def test_form_opens_on_the_name_with_one_original_of_each_required_paper(
    client, demo_org, district_version
):
    login(client, demo_org, "motcua.tx")
    response = client.get(reverse("dossiers:intake"), {"thu_tuc": district_version.pk})
    form = response.context["form"]
    assert form.fields["applicant_name"].widget.attrs.get("autofocus")
    for paper, original, _copy in form.paper_rows:
        assert original.value() == (1 if paper.required else 0)
    html = response.content.decode()
    assert 'src="/static/dossiers/intake.js"' in html
    assert "onchange=" not in html and "onclick=" not in html and "<script>" not in html


def test_intake_list_reaches_every_procedure(client, demo_org):
    for i in range(44):
        offered_procedure(demo_org.desk, name=f"Thủ tục thử số {i:02d}")
    # Words no factory code contains (a digit query also matches the national codes, which
    # grow with every procedure the test worker has made).
    offered_procedure(demo_org.desk, name="Thủ tục thử cấp phép biển hiệu ngoài trời")
    login(client, demo_org, "motcua.tx")
    seen = []
    for number in (1, 2, 3):
        response = client.get(reverse("dossiers:intake_search"), {"trang": number})
        seen += [v.pk for v in response.context["results"]]
    assert len(set(seen)) == 45
    assert response.context["page"].has_next is False
    html = client.get(
        reverse("dossiers:intake"), {"q": "bien hieu ngoai troi", "trang": "1"}
    ).content.decode()
    assert "Thủ tục thử cấp phép biển hiệu ngoài trời" in html and "Trang sau" not in html
    assert "45 thủ tục" in client.get(reverse("dossiers:intake")).content.decode()


def test_qr_line_in_a_field_fills_the_applicant_and_decides_nothing(
    client, demo_org, district_version
):
    login(client, demo_org, "motcua.tx")
    before = Dossier.objects.count(), AuditEvent.objects.count()
    data = intake_post(
        district_version, applicant_name=QR, applicant_id_number="", applicant_phone=""
    )
    response = client.post(reverse("dossiers:intake"), data)
    assert response.status_code == 200
    assert (Dossier.objects.count(), AuditEvent.objects.count()) == before
    form = response.context["form"]
    assert form.data["applicant_name"] == "Nguyễn Văn An"
    assert form.data["applicant_id_number"] == "001099012345"
    assert form.data["applicant_birth_date"] == "1999-01-01"
    assert form.data["applicant_address"] == "Số 1 phố X, phường Y, Hà Nội"
    assert "Đã đọc thẻ CCCD của Nguyễn Văn An" in response.content.decode()
    # The line typed after what the field already held: the field keeps its text.
    data = intake_post(district_version, request_summary="Cấp 2 bản " + QR)
    response = client.post(reverse("dossiers:intake"), data)
    assert response.context["form"].data["request_summary"] == "Cấp 2 bản"
    assert Dossier.objects.count() == before[0]


def test_returning_applicant_is_looked_up_within_the_officers_units(
    client, demo_org, district_version, ward_version
):
    s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
    )
    url = reverse("dossiers:intake_applicant")
    login(client, demo_org, "motcua.tx")
    data = client.get(url, {"so": "001090012345"}).json()
    assert data["known"] and data["name"] == "Nguyễn Văn An" and data["phone"] == "0912345678"
    assert "Người nộp đã có hồ sơ" in data["message"]
    assert client.get(url, {"so": "001090099999"}).json() == {"known": False}
    # The ward's officer does not see the district's applicant.
    login(client, demo_org, "motcua.nc")
    assert client.get(url, {"so": "001090012345"}).json() == {"known": False}


def test_open_dossier_of_the_same_procedure_is_a_warning_not_a_refusal(
    client, demo_org, district_version
):
    first = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(id_number="001190054321"),
        papers=all_papers(district_version),
    )
    login(client, demo_org, "motcua.tx")
    data = client.get(
        reverse("dossiers:intake_applicant"), {"so": "001190054321", "thu_tuc": district_version.pk}
    ).json()
    assert first.code in data["warning"] and "cùng thủ tục chưa giải quyết xong" in data["warning"]
    response = client.post(reverse("dossiers:intake"), intake_post(district_version), follow=True)
    assert Dossier.objects.count() == 2  # received all the same
    text = response.content.decode()
    assert (
        "Lưu ý: người nộp đang có hồ sơ cùng thủ tục chưa giải quyết xong" in text
        and first.code in text
    )
    Dossier.objects.update(status=Status.RETURNED)
    data = client.get(
        reverse("dossiers:intake_applicant"), {"so": "001190054321", "thu_tuc": district_version.pk}
    ).json()
    assert "warning" not in data


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"applicant_id_number": "003090012345"}, "không phải mã tỉnh"),
        ({"applicant_id_number": "000000000000"}, "toàn chữ số 0"),
        ({"applicant_birth_date": "1985-02-03"}, "không khớp ngày sinh"),
        ({"applicant_birth_date": "2099-02-03"}, "Ngày sinh không được sau ngày hôm nay"),
        ({"applicant_sex": "male"}, "không khớp giới tính"),
        ({"proxy_name": "Lê Văn Cường", "proxy_id_number": "999090012345"}, "mã tỉnh"),
    ],
)
def test_intake_form_refuses_bad_identity_in_vietnamese_and_writes_nothing(
    client, demo_org, district_version, changes, message
):
    login(client, demo_org, "motcua.tx")
    before = Dossier.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("dossiers:intake"), intake_post(district_version, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert (Dossier.objects.count(), AuditEvent.objects.count()) == before
