"""E-forms from the schema, their admin, the public list and the citizen API (query counts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.accounts.testing import login_verified
from congso.dossiers.services import Applicant, dossier_submit_online
from congso.dossiers.tests.factories import VersionFactory, offered_procedure
from congso.eservices import eforms
from congso.procedures.models import OnlineLevel

from .factories import CitizenFactory

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
    {"name": "ngay", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "so", "label": "Số lượng", "type": "number"},
    {"name": "loai", "label": "Loại", "type": "select", "choices": ["A", "B"], "required": True},
    {"name": "ghi_chu", "label": "Ghi chú", "type": "textarea", "help": "Không bắt buộc"},
]


def test_form_from_schema_validates_in_vietnamese_and_round_trips():
    form_class = eforms.build_form_class(SCHEMA)
    bad = form_class(data={"ef_ngay": "31/02/2020", "ef_so": "mười", "ef_loai": "C"})
    assert not bad.is_valid()
    assert bad.errors["ef_ho_ten"] == ["Vui lòng nhập “Họ và tên”."]
    assert bad.errors["ef_ngay"] == ["Ngày không hợp lệ (dạng dd/mm/yyyy)."]
    assert bad.errors["ef_so"] == ["Nhập một số."]
    assert bad.errors["ef_loai"] == ["Lựa chọn không hợp lệ."]
    good = form_class(
        data={"ef_ho_ten": "Lê Văn A", "ef_ngay": "01/05/1990", "ef_so": "2.50", "ef_loai": "B"}
    )
    assert good.is_valid(), good.errors
    data = eforms.cleaned_to_json(SCHEMA, good.cleaned_data)
    assert data == {
        "ho_ten": "Lê Văn A",
        "ngay": "1990-05-01",
        "so": "2.5",
        "loai": "B",
        "ghi_chu": "",
    }
    assert form_class(data=eforms.data_as_post(SCHEMA, data)).is_valid()
    rows = dict(eforms.display_rows(SCHEMA, data))
    assert rows["Ngày sinh"] == "01/05/1990" and rows["Loại"] == "B"


def test_admin_edits_schema_of_draft_versions_only_and_validates(client, demo_org):
    from congso.accounts.models import User

    admin = User.objects.create_superuser(
        "es-admin-test", "es-admin@example.vn", "Quan-tri-2026!", kind="staff"
    )
    login_verified(client, admin)
    draft = VersionFactory(is_published=False, number=2)
    published = VersionFactory()
    url = f"/quan-tri/eservices/eformschema/{draft.pk}/change/"
    assert client.get(f"/quan-tri/eservices/eformschema/{published.pk}/change/").status_code == 302
    r = client.post(url, {"form_schema": '[{"name": "Ho Ten", "label": "", "type": "file"}]'})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    draft.refresh_from_db()
    assert draft.form_schema == []
    r = client.post(
        url, {"form_schema": '[{"name": "ho_ten", "label": "Họ và tên", "type": "text"}]'}
    )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.form_schema[0]["name"] == "ho_ten"


def _online(demo_org, name):  # type: ignore[no-untyped-def]
    version = offered_procedure(demo_org.desk, name=name)
    version.online_level = OnlineLevel.PARTIAL
    version.save()
    return version


def test_public_list_costs_the_same_for_n_and_n_plus_1(client, demo_org):
    _online(demo_org, "Thủ tục A")
    _online(demo_org, "Thủ tục B")
    closed = _online(demo_org, "Thủ tục hết hiệu lực")
    closed.valid_to = dt.date(2020, 1, 1)
    closed.save()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/dich-vu-cong/")
        assert r.status_code == 200
        return len(ctx.captured_queries)

    first = count()
    _online(demo_org, "Thủ tục C")
    assert count() == first
    page = client.get("/dich-vu-cong/").content.decode()
    assert "Thủ tục C" in page and "hết hiệu lực" not in page


def test_api_my_dossiers_scoped_and_flat(client, demo_org):
    version = _online(demo_org, "Thủ tục API")
    me, other = CitizenFactory(), CitizenFactory()

    def submit(user):  # type: ignore[no-untyped-def]
        return dossier_submit_online(
            version=version,
            agency=demo_org.district,
            applicant_user=user,
            applicant=Applicant(kind="individual", name="X", id_number="001090099999"),
        )

    assert client.get("/api/v1/eservices/my/dossiers").status_code == 401
    submit(other)
    mine = submit(me)
    client.force_login(me)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/api/v1/eservices/my/dossiers").json()
    first = len(ctx.captured_queries)
    assert [d["id"] for d in body] == [mine.pk] and body[0]["status"] == 1
    submit(me)
    with CaptureQueriesContext(connection) as ctx:
        assert len(client.get("/api/v1/eservices/my/dossiers").json()) == 2
    assert len(ctx.captured_queries) == first
