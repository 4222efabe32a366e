"""Pages: intake, detail scope, actions, forms, queues, register, statistics, lookup, rating."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Rating, Status

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def login(client, org, username):
    client.force_login(org.user(username))
    return client


def receive(org, version, at=None, **kw):
    return s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=kw.pop("applicant", person()),
        papers=all_papers(version),
        at=at or local(2026, 3, 2, 9),
        **kw,
    )


def intake_post(version, **extra):
    data = {
        "thu_tuc": version.pk,
        "applicant_kind": "individual",
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "001190054321",
        "applicant_phone": "0987654321",
        "applicant_email": "",
        "channel": 1,
        "decision": "accept",
        "reason": "",
    }
    for paper in version.papers.all():
        data[f"paper_{paper.pk}_o"] = paper.originals
        data[f"paper_{paper.pk}_c"] = paper.copies
    data.update(extra)
    return data


def test_intake_search_is_diacritic_insensitive(client, demo_org, district_version):
    login(client, demo_org, "motcua.tx")
    html = client.get(
        reverse("dossiers:intake_search"), {"q": "TRICH LUC ho tich"}
    ).content.decode()
    assert "Cấp bản sao trích lục hộ tịch" in html
    html = client.get(reverse("dossiers:intake_search"), {"q": "đất đai"}).content.decode()
    assert "Không tìm thấy" in html


def test_intake_accepts_with_scan_and_prints_receipt(client, demo_org, district_version):
    login(client, demo_org, "motcua.tx")
    scan = SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("dossiers:intake"), {**intake_post(district_version), "attachments": [scan]}
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.code in response["Location"]
    assert dossier.attachments.get().content_type == "application/pdf"
    pdf = client.get(reverse("dossiers:form_pdf", args=[dossier.code, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Trần Thị Bình" in text
    assert dossier.code in text and "Tờ khai theo mẫu" in text
    att = dossier.attachments.get()
    url = reverse("dossiers:attachment", args=[dossier.code, att.pk])
    assert b"".join(client.get(url).streaming_content) == PDF_BYTES
    login(client, demo_org, "motcua.km")
    assert client.get(url).status_code == 404


def test_intake_errors_are_vietnamese_and_write_nothing(client, demo_org, district_version):
    login(client, demo_org, "motcua.tx")
    response = client.post(
        reverse("dossiers:intake"), intake_post(district_version, applicant_id_number="123")
    )
    assert "Số định danh cá nhân (CCCD) gồm đúng 12 chữ số." in response.content.decode()
    fake = SimpleUploadedFile("anh.png", b"GIF89a....", content_type="image/png")
    response = client.post(
        reverse("dossiers:intake"), {**intake_post(district_version), "attachments": [fake]}
    )
    assert "không đúng định dạng cho phép" in response.content.decode()
    first = district_version.papers.get(order=1)
    response = client.post(
        reverse("dossiers:intake"), intake_post(district_version, **{f"paper_{first.pk}_o": 0})
    )
    assert "Chưa nhận đủ giấy tờ bắt buộc" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_intake_refusal_prints_form_3(client, demo_org, district_version):
    login(client, demo_org, "motcua.tx")
    client.post(
        reverse("dossiers:intake"),
        intake_post(district_version, decision="refuse", reason="Không thuộc thẩm quyền của quận"),
    )
    d = Dossier.objects.get()
    assert d.status == Status.REFUSED
    pdf = client.get(reverse("dossiers:form_pdf", args=[d.ref, 3]))
    assert (
        "Không thuộc thẩm quyền của quận"
        in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    )


def test_ward_officer_cannot_see_other_ward(client, demo_org, ward_version):
    d = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=demo_org.wards["00343"],
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
    )
    login(client, demo_org, "motcua.km")
    assert client.get(reverse("dossiers:detail", args=[d.code])).status_code == 404
    assert client.get(reverse("dossiers:form_pdf", args=[d.code, 1])).status_code == 404
    assert (
        client.post(reverse("dossiers:act", args=[d.code, "withdraw"]), {"reason": "x"}).status_code
        == 404
    )
    login(client, demo_org, "motcua.nc")
    assert client.get(reverse("dossiers:detail", args=[d.code])).status_code == 200
    login(client, demo_org, "lanhdao.tx")  # the district oversees its wards
    assert client.get(reverse("dossiers:detail", args=[d.code])).status_code == 200


def test_actions_through_pages(client, demo_org, district_version):
    d = receive(demo_org, district_version)
    login(client, demo_org, "motcua.tx")
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert 'data-action="hand_over"' in page and 'data-action="approve"' not in page
    tp = demo_org.departments["TP"]
    client.post(reverse("dossiers:act", args=[d.code, "hand_over"]), {"to_unit_id": tp.pk})
    d.refresh_from_db()
    assert d.handling_unit == tp
    response = client.post(
        reverse("dossiers:act", args=[d.code, "hand_over"]), {"to_unit_id": tp.pk}, follow=True
    )
    assert "không có quyền" in response.content.decode() or response.status_code == 403
    login(client, demo_org, "truongphong.tp")
    client.post(
        reverse("dossiers:act", args=[d.code, "assign"]),
        {"specialist_id": demo_org.staff["chuyenvien.tp"].pk},
    )
    d.refresh_from_db()
    assert d.handler == demo_org.staff["chuyenvien.tp"]
    control = client.get(reverse("dossiers:form_pdf", args=[d.code, 5]))
    assert "PHIẾU KIỂM SOÁT" in PdfReader(io.BytesIO(control.content)).pages[0].extract_text()


def _queue_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("username", "tab", "prepare"),
    [
        ("motcua.tx", "receive", None),
        ("truongphong.tp", "assign", "hand_over"),
        ("chuyenvien.tp", "process", "assign"),
        ("lanhdao.tx", "approve", "submit"),
        ("motcua.tx", "return", "return_to_desk"),
    ],
)
def test_queue_query_count_constant(client, demo_org, district_version, username, tab, prepare):
    def add_one():
        d = receive(demo_org, district_version)
        steps = ["hand_over", "assign", "submit", "approve", "record_result", "return_to_desk"]
        for step in steps[: steps.index(prepare) + 1] if prepare else []:
            if step == "hand_over":
                s.dossier_hand_over(
                    dossier=d, by=demo_org.staff["motcua.tx"], to_unit=demo_org.departments["TP"]
                )
            elif step == "assign":
                s.dossier_assign(
                    dossier=d,
                    by=demo_org.staff["truongphong.tp"],
                    specialist=demo_org.staff["chuyenvien.tp"],
                )
            elif step == "submit":
                s.dossier_submit(dossier=d, by=demo_org.staff["chuyenvien.tp"])
            elif step == "approve":
                s.dossier_approve(dossier=d, by=demo_org.staff["lanhdao.tx"])
            elif step == "record_result":
                s.dossier_record_result(dossier=d, by=demo_org.staff["vanthu.tx"])
            else:
                s.dossier_return_to_desk(dossier=d, by=demo_org.staff["vanthu.tx"])

    login(client, demo_org, username)
    url = reverse("dossiers:queue") + f"?tab={tab}"
    add_one()
    add_one()
    _queue_queries(client, url)  # the first request fills the shared cache of roles (ADR 0041)
    n = _queue_queries(client, url)
    add_one()
    assert _queue_queries(client, url) == n
    html = client.get(url).content.decode()
    assert html.count("<tr>") - 1 == 3


def test_register_and_stats_query_counts_and_xlsx(client, demo_org, district_version):
    login(client, demo_org, "lanhdao.tx")
    receive(demo_org, district_version, at=local(2026, 3, 2, 9))
    receive(demo_org, district_version, at=local(2026, 3, 3, 9))
    params = {"don_vi": demo_org.district.pk, "tu": "2026-03-01", "den": "2026-03-31"}
    urls = [reverse("dossiers:register"), reverse("dossiers:stats")]
    client.get(urls[0], params)  # the officer's roles reach the shared cache (ADR 0041)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        counts.append(len(ctx.captured_queries))
    receive(demo_org, district_version, at=local(2026, 3, 4, 9))
    for url, n in zip(urls, counts):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        assert len(ctx.captured_queries) == n, url
    xlsx = client.get(reverse("dossiers:register"), {**params, "dinh_dang": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws["A2"].value == "SỔ THEO DÕI HỒ SƠ" and ws.max_row == 4 + 3
    assert ws["C5"].value == "Cấp bản sao trích lục hộ tịch"
    assert (
        ws["A4"].font.b and ws["A4"].alignment.wrap_text and ws.column_dimensions["C"].width == 40
    )
    pdf = client.get(reverse("dossiers:register"), {**params, "dinh_dang": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"


def test_lookup_same_answer_for_wrong_code_or_number_and_rate_limit(
    client, demo_org, district_version
):
    d = receive(demo_org, district_version)
    url = reverse("dossiers:lookup")
    ok = client.post(url, {"ma": d.code, "so_dinh_danh": "001090012345"}).content.decode()
    assert (
        "Cấp bản sao trích lục hộ tịch" in ok
        and "Nguyễn Văn An" not in ok
        and "Trần Thị Mai" not in ok
    )
    wrong_number = client.post(url, {"ma": d.code, "so_dinh_danh": "001090099999"}).content.decode()
    wrong_code = client.post(
        url, {"ma": "H26.09-260302-9999", "so_dinh_danh": "001090012345"}
    ).content.decode()
    assert "Không tìm thấy hồ sơ" in wrong_number and "Không tìm thấy hồ sơ" in wrong_code
    assert client.get(url, {"ma": d.code}).content.decode().count(d.code) >= 1
    statuses = [client.post(url, {"ma": "x", "so_dinh_danh": "1"}).status_code for _ in range(20)]
    assert statuses[-1] == 429
    assert (
        "Quá nhiều lượt tra cứu"
        in client.post(url, {"ma": "x", "so_dinh_danh": "1"}).content.decode()
    )


def test_ratings_once_online_and_at_counter(client, demo_org, district_version):
    d = receive(demo_org, district_version)
    Dossier.objects.filter(pk=d.pk).update(status=Status.RETURNED)
    r = client.post(
        reverse("dossiers:rate_online"), {"ma": d.code, "so_dinh_danh": "001090099999", "muc": 3}
    )
    assert r.status_code == 404
    r = client.post(
        reverse("dossiers:rate_online"), {"ma": d.code, "so_dinh_danh": "001090012345", "muc": 3}
    )
    assert r.status_code == 200 and Rating.objects.get(dossier=d).level == 3
    r = client.post(
        reverse("dossiers:rate_online"), {"ma": d.code, "so_dinh_danh": "001090012345", "muc": 1}
    )
    assert r.status_code == 400 and Rating.objects.get(dossier=d).level == 3
    other = receive(demo_org, district_version)
    Dossier.objects.filter(pk=other.pk).update(status=Status.RETURNED)
    login(client, demo_org, "motcua.tx")
    client.post(reverse("dossiers:rate_counter", args=[other.code]), {"muc": 2})
    assert Rating.objects.get(dossier=other).source == "counter"


def test_forms_2_4_5_render_vietnamese(client, demo_org, district_version):
    d = receive(demo_org, district_version, at=local(2026, 3, 2, 9))
    s.dossier_hand_over(
        dossier=d,
        by=demo_org.staff["motcua.tx"],
        to_unit=demo_org.departments["TP"],
        at=local(2026, 3, 2, 10),
    )
    s.dossier_apologise(
        dossier=d,
        by=demo_org.staff["lanhdao.tx"],
        reason="Cần xác minh nơi cư trú",
        new_due_at=local(2026, 3, 10, 9),
        at=local(2026, 3, 3, 9),
    )
    s.dossier_supplement_request(
        dossier=d,
        by=demo_org.staff["truongphong.tp"],
        missing="Bản sao sổ hộ khẩu",
        at=local(2026, 3, 3, 10),
    )
    login(client, demo_org, "lanhdao.tx")
    texts = {}
    for n in (2, 4, 5):
        response = client.get(reverse("dossiers:form_pdf", args=[d.code, n]))
        texts[n] = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "PHIẾU YÊU CẦU BỔ SUNG" in texts[2] and "Bản sao sổ hộ khẩu" in texts[2]
    assert (
        "PHIẾU XIN LỖI" in texts[4]
        and "Cần xác minh nơi cư trú" in texts[4]
        and "10 tháng 03 năm 2026" in texts[4]
    )
    assert "Trần Thị Mai" in texts[5] and "Phòng Tư pháp" in texts[5]
    assert (
        client.get(reverse("dossiers:form_pdf", args=[d.code, 3])).status_code == 404
    )  # not refused


def test_upload_size_limit(client, demo_org, district_version, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    login(client, demo_org, "motcua.tx")
    big = SimpleUploadedFile("scan.pdf", PDF_BYTES + b"0" * 2048, content_type="application/pdf")
    response = client.post(
        reverse("dossiers:intake"), {**intake_post(district_version), "attachments": [big]}
    )
    assert "quá lớn: tối đa" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_queue_marks_and_filters_urgency(client, demo_org, district_version):
    import datetime as dt

    from django.utils import timezone

    from congso.dossiers.selectors import URGENCY_LATE, URGENCY_OK, URGENCY_SOON, queue

    now = timezone.now()
    late, soon, ok = (receive(demo_org, district_version) for _ in range(3))
    Dossier.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=1))
    Dossier.objects.filter(pk=soon.pk).update(due_at=now + dt.timedelta(minutes=30))
    Dossier.objects.filter(pk=ok.pk).update(due_at=now + dt.timedelta(days=20))
    user = demo_org.user("motcua.tx")
    rows = list(queue(user, "receive", now=now))
    assert [(d.pk, d.urgency) for d in rows] == [
        (late.pk, URGENCY_LATE),
        (soon.pk, URGENCY_SOON),
        (ok.pk, URGENCY_OK),
    ]
    assert [d.pk for d in queue(user, "receive", filters={"urgency": "0"}, now=now)] == [late.pk]
    login(client, demo_org, "motcua.tx")
    html = client.get(reverse("dossiers:queue"), {"tab": "receive"}).content.decode()
    assert "badge-late" in html and "badge-soon" in html and "badge-ok" in html
    assert client.get(reverse("dossiers:queue"), {"tab": "nope"}).status_code == 404


def test_officer_with_two_desks_chooses_where_to_receive(client, demo_org, ward_version):
    from congso.org.models import RoleAssignment

    ward = demo_org.wards["00343"]
    RoleAssignment.objects.create(
        staff=demo_org.staff["motcua.tx"], unit=ward, role="onestop_officer"
    )
    login(client, demo_org, "motcua.tx")
    page = client.get(reverse("dossiers:intake"), {"don_vi": ward.pk}).content.decode()
    assert "Chứng thực bản sao từ bản chính" in page and 'name="don_vi"' in page
    client.post(reverse("dossiers:intake"), {**intake_post(ward_version), "don_vi": ward.pk})
    assert Dossier.objects.get().receiving_unit == ward


def test_counter_intake_accepts_a_docx_through_the_shared_validator(
    client, demo_org, district_version
):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile(
        "Đơn đề nghị.docx", buffer.getvalue(), content_type="application/octet-stream"
    )
    login(client, demo_org, "motcua.tx")
    response = client.post(
        reverse("dossiers:intake"), {**intake_post(district_version), "attachments": [docx]}
    )
    assert response.status_code == 302
    att = Dossier.objects.get().attachments.get()
    assert att.content_type.endswith("wordprocessingml.document") and att.file.name.endswith(
        ".docx"
    )
    assert att.original_name == "Đơn đề nghị.docx"
