"""Stale and repeated actions (ADR 0058) and where roles act (ADR 0059): a stale version is
refused with 409 in the API and a Vietnamese message on the fresh page in the browser, and
changes nothing; a district officer does not act on a ward's dossier."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from congso.dossiers import services as s
from congso.dossiers.actions import REGISTRY, StaleDossier
from congso.dossiers.api import issue_token
from congso.dossiers.models import Dossier, Handover, StatusHistory

from .conftest import all_papers, person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers/"


def _received(org, version):
    return s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )


def _bearer(org, username):
    return {"HTTP_AUTHORIZATION": "Bearer " + issue_token(org.staff[username], "test")}


def test_service_refuses_a_stale_version_and_changes_nothing(demo_org, district_version):
    d = _received(demo_org, district_version)
    tp = demo_org.departments["TP"]
    s.dossier_hand_over(dossier=d, by=demo_org.staff["motcua.tx"], to_unit=tp, version=1)
    d.refresh_from_db()
    assert d.version == 2
    with pytest.raises(StaleDossier, match="đã được cập nhật"):
        s.dossier_assign(
            dossier=d,
            by=demo_org.staff["truongphong.tp"],
            specialist=demo_org.staff["chuyenvien.tp"],
            version=1,
        )
    d.refresh_from_db()
    assert d.version == 2 and d.stage == "department" and d.handler is None


def test_two_tabs_hand_over_give_one_handover_row(client, demo_org, district_version):
    d = _received(demo_org, district_version)
    client.force_login(demo_org.user("motcua.tx"))
    url = reverse("dossiers:act", args=[d.code, "hand_over"])
    form = {"to_unit_id": demo_org.departments["TP"].pk, "version": d.version}
    first = client.post(url, form, follow=True)
    assert "Đã thực hiện" in first.content.decode()
    second = client.post(url, form, follow=True)  # the other tab, same version
    page = second.content.decode()
    assert second.status_code == 200 and "đã được cập nhật sau khi bạn mở trang" in page
    assert second.redirect_chain[-1][0].endswith(reverse("dossiers:detail", args=[d.code]))
    assert Handover.objects.filter(dossier=d, action="hand_over").count() == 1
    assert StatusHistory.objects.filter(dossier=d, action="hand_over").count() == 1
    assert 'name="version" value="2"' in page  # the fresh page carries the new version


def test_api_etag_if_match_and_409(client, demo_org, district_version):
    d = _received(demo_org, district_version)
    desk = _bearer(demo_org, "motcua.tx")
    read = client.get(BASE + d.code, **desk)
    assert read.status_code == 200 and read["ETag"] == '"1"' and read.json()["version"] == 1
    assert "hand_over" in read.json()["actions"]
    body = json.dumps({"to_unit_id": demo_org.departments["TP"].pk})
    ok = client.post(
        BASE + d.code + "/hand-over",
        body,
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **desk,
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["version"] == 2
    again = client.post(
        BASE + d.code + "/hand-over",
        body,
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
        **desk,
    )
    assert again.status_code == 409 and "đã được cập nhật" in again.json()["detail"]
    head = _bearer(demo_org, "truongphong.tp")
    stale = client.post(
        BASE + d.code + "/assign",
        json.dumps({"specialist_id": demo_org.staff["chuyenvien.tp"].pk, "version": 1}),
        content_type="application/json",
        **head,
    )
    assert stale.status_code == 409
    d.refresh_from_db()
    assert d.version == 2 and d.stage == "department"
    assert Handover.objects.filter(dossier=d).count() == 1
    bad = client.post(
        BASE + d.code + "/assign",
        json.dumps({"specialist_id": 1}),
        content_type="application/json",
        HTTP_IF_MATCH="abc",
        **head,
    )
    assert bad.status_code == 400


def test_api_record_result_with_a_file(client, demo_org, district_version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = _received(demo_org, district_version)
    Dossier.objects.filter(pk=d.pk).update(status=4, stage="clerk", handling_unit=demo_org.district)
    pdf = SimpleUploadedFile(
        "ket-qua.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        content_type="application/pdf",
    )
    r = client.post(
        BASE + d.code + "/record-result",
        {"result_number": "15/TP", "result_file": pdf},
        **_bearer(demo_org, "vanthu.tx"),
    )
    assert r.status_code == 200, r.content
    d.refresh_from_db()
    assert d.status == 9 and d.result_number == "15/TP" and d.result_file.name.endswith(".pdf")


def test_district_leader_does_not_act_on_a_ward_dossier(demo_org, ward_version):
    """Finding 11.15: the ward's chairman decides the ward's dossiers; the district oversees."""
    ward = demo_org.wards["00343"]
    d = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=ward,
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
    )
    district_leader, ward_chairman = demo_org.staff["lanhdao.tx"], demo_org.staff["lanhdao.nc"]
    assert not REGISTRY["stop"].available(d, district_leader)
    with pytest.raises(PermissionDenied):
        s.dossier_stop(dossier=d, by=district_leader, reason="Dừng")
    with pytest.raises(PermissionDenied):  # nor does the district desk receive or move it
        s.dossier_hand_over(dossier=d, by=demo_org.staff["motcua.tx"], to_unit=ward)
    d.refresh_from_db()
    assert d.status == 2 and d.version == 1
    assert REGISTRY["stop"].available(d, ward_chairman)
    s.dossier_stop(dossier=d, by=ward_chairman, reason="Công dân không bổ sung")
    d.refresh_from_db()
    assert d.status == 8


def test_district_acts_on_a_forwarded_ward_dossier(demo_org, district_version):
    from congso.procedures.models import UnitProcedure

    ward = demo_org.wards["00343"]
    UnitProcedure.objects.create(unit=ward, procedure=district_version.procedure)
    d = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=ward,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
    )
    assert not REGISTRY["hand_over"].available(d, demo_org.staff["motcua.tx"])
    assert REGISTRY.available_for(d, demo_org.staff["motcua.nc"])[0].name == "forward"
    s.dossier_forward(dossier=d, by=demo_org.staff["motcua.nc"], to_agency=demo_org.district)
    d.refresh_from_db()
    assert REGISTRY["hand_over"].available(d, demo_org.staff["motcua.tx"])
    assert REGISTRY["stop"].available(d, demo_org.staff["lanhdao.tx"])
    assert not REGISTRY["stop"].available(d, demo_org.staff["lanhdao.nc"])
