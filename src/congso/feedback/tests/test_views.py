"""The pages and the API, as a browser and a client use them."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.accounts.testing import login_verified
from congso.feedback.models import Case, Status
from congso.notify.models import Notification

from .factories import received_case

pytestmark = pytest.mark.django_db


def _code_sent() -> str:
    note = Notification.objects.filter(event="feedback.verify").order_by("-pk").first()
    return note.secret or note.body.split(": ")[1][:6]


FORM = {
    "kind": "question",
    "title": "Hỏi về đăng ký tạm trú",
    "body": "Tôi thuê nhà tại phường, xin hỏi thủ tục đăng ký tạm trú cần những giấy tờ gì?",
    "sender_name": "Trần Văn An",
    "sender_phone": "0903123456",
    "consent_publish": "on",
}


def test_public_form_verify_and_status(client, demo_org):
    ward = demo_org.wards["00343"]
    r = client.post(reverse("feedback:submit"), {**FORM, "agency": ward.pk})
    assert r.status_code == 302 and "/gop-y/xac-minh/" in r["Location"]
    page = client.get(r["Location"])
    assert "•••" in page.content.decode() and "456" in page.content.decode()
    r = client.post(r["Location"], {"code": "999999" if _code_sent() != "999999" else "111111"})
    assert "Mã xác minh không đúng" in r.content.decode()
    case = Case.objects.get()
    r = client.post(reverse("feedback:verify", args=[case.reference]), {"code": _code_sent()})
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert case.code in page and "Hạn trả lời" in page
    other = client.__class__()
    r = other.get(reverse("feedback:status") + f"?ma={case.code}")
    assert "Hạn trả lời" not in r.content.decode()  # not proven in that session
    r = other.post(reverse("feedback:status"), {"ma": case.code, "lien_he": "0900000000"})
    assert "Không tìm thấy" in r.content.decode()
    r = other.post(reverse("feedback:status"), {"ma": case.code, "lien_he": "0903123456"})
    assert r.status_code == 302


def test_bad_form_shows_the_reasons_and_saves_nothing(client, demo_org):
    ward = demo_org.wards["00343"]
    r = client.post(reverse("feedback:submit"), {**FORM, "agency": ward.pk, "body": "<b>ngắn</b>"})
    assert r.status_code == 400 and "văn bản thuần" in r.content.decode()
    assert Case.objects.count() == 0


def test_officer_queue_detail_and_act(client, demo_org):
    ward = demo_org.wards["00343"]
    case = received_case(ward)
    login_verified(client, demo_org.user("motcua.nc"))
    page = client.get(reverse("feedback:queue")).content.decode()
    assert case.code in page
    page = client.get(reverse("feedback:detail", args=[case.code])).content.decode()
    assert "Cách tính hạn" in page and "Chuyển phòng chuyên môn xử lý" in page
    r = client.post(
        reverse("feedback:act", args=[case.code, "route"]),
        {"to_unit_id": ward.pk, "version": case.version},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.PROCESSING
    login_verified(client, demo_org.user("motcua.km"))
    assert client.get(reverse("feedback:detail", args=[case.code])).status_code == 404


def test_queue_costs_the_same_for_more_rows(client, demo_org):
    ward = demo_org.wards["00343"]
    received_case(ward, sender_phone="0911000001")
    login_verified(client, demo_org.user("motcua.nc"))
    client.get(reverse("feedback:queue"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("feedback:queue"))
    for i in range(3):
        received_case(ward, sender_phone=f"091100001{i}")
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("feedback:queue"))
    assert len(four) == len(one)


def test_api_submit_verify_status_and_staff_action(client, demo_org):
    ward = demo_org.wards["00343"]
    body = {"agency_id": ward.pk, **{k: v for k, v in FORM.items() if k != "consent_publish"}}
    r = client.post("/api/v1/feedback/submit", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    ref = r.json()["reference"]
    r = client.post(
        "/api/v1/feedback/verify",
        json.dumps({"reference": ref, "code": _code_sent()}),
        content_type="application/json",
    )
    code = r.json()["code"]
    r = client.post(
        "/api/v1/feedback/status",
        json.dumps({"code": code, "contact": "0903123456"}),
        content_type="application/json",
    )
    assert r.json()["status"] == "received"
    bad = dict(body, title="")
    r = client.post("/api/v1/feedback/submit", json.dumps(bad), content_type="application/json")
    assert r.status_code == 400 and "bắt buộc" in r.json()["detail"]
    login_verified(client, demo_org.user("motcua.nc"))
    listed = client.get("/api/v1/feedback/cases").json()
    assert [c["code"] for c in listed] == [code] and "route" in listed[0]["actions"]
    csrf = client.cookies.get("csrftoken")
    r = client.post(
        f"/api/v1/feedback/cases/{code}/route",
        json.dumps({"to_unit_id": ward.pk}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf.value if csrf else "",
    )
    assert r.status_code in (200, 403), r.content
