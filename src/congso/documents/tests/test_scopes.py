"""Who sees which document: clerks and leaders their agency, departments what they handle,
secret documents only the people named on them."""

from __future__ import annotations

import pytest
from django.http import Http404

from congso.documents import services as s
from congso.documents.models import Secrecy
from congso.documents.selectors import incoming_get_for, incoming_visible, outgoing_visible

from .conftest import scan

pytestmark = pytest.mark.django_db


def _register(org, clerk="vanthu.tx", unit=None, **kw):
    return s.incoming_register(
        by=org.user(clerk),
        unit=unit or org.district,
        sender_name="Sở Nội vụ",
        abstract=kw.pop("abstract", "Về việc tuyển dụng"),
        files=[scan()],
        **kw,
    )


def _seen(org, username, doc) -> bool:
    return incoming_visible(org.user(username)).filter(pk=doc.pk).exists()


def test_agency_and_department_scopes(org):
    doc = _register(org)
    ward_doc = _register(org, clerk="vanthu.nc", unit=org.wards["00343"])
    assert _seen(org, "vanthu.tx", doc) and _seen(org, "lanhdao.tx", doc)
    assert not _seen(org, "lanhdao.nc", doc) and not _seen(org, "vanthu.nc", doc)
    assert _seen(org, "lanhdao.nc", ward_doc)
    # District leaders do not read a ward's incoming register: it is the ward's own agency.
    assert not _seen(org, "lanhdao.tx", ward_doc)
    assert not _seen(org, "truongphong.tp", doc)
    s.incoming_direct(
        doc=doc,
        by=org.user("lanhdao.tx"),
        instruction="Phòng Tư pháp chủ trì",
        lead_unit=org.departments["TP"],
        supporting_units=[org.departments["NV"]],
    )
    assert _seen(org, "truongphong.tp", doc) and _seen(org, "chuyenvien.tp", doc)
    assert not _seen(org, "chuyenvien.qldt", doc)


def test_secret_documents_only_for_named_people(org):
    doc = _register(org, secrecy=Secrecy.SECRET, abstract="Tài liệu tối mật")
    assert _seen(org, "vanthu.tx", doc)  # the clerk who registered it
    assert not _seen(org, "lanhdao.tx", doc)  # a leader not (yet) named on it
    s.incoming_present(doc=doc, by=org.user("vanthu.tx"), leader=org.user("lanhdao.tx"))
    assert _seen(org, "lanhdao.tx", doc)
    s.incoming_direct(
        doc=doc,
        by=org.user("lanhdao.tx"),
        instruction="Đồng chí Đức xử lý",
        receiver=org.user("truongphong.tp"),
        lead_unit=org.departments["TP"],
    )
    assert _seen(org, "truongphong.tp", doc)
    assert not _seen(org, "chuyenvien.tp", doc)  # same department, not named
    with pytest.raises(Http404):
        incoming_get_for(user=org.user("chuyenvien.tp"), pk=doc.pk)


def test_outgoing_scopes(org, kinds):
    from .test_flows import draft

    doc = draft(org, kinds)
    secret = draft(org, kinds, secrecy=Secrecy.TOP_SECRET, reviewers=[org.user("truongphong.tp")])

    def seen(username, d):
        return outgoing_visible(org.user(username)).filter(pk=d.pk).exists()

    assert seen("chuyenvien.tp", doc) and seen("truongphong.tp", doc) and seen("vanthu.tx", doc)
    assert not seen("chuyenvien.qldt", doc) and not seen("vanthu.nc", doc)
    assert seen("truongphong.tp", secret) and seen("lanhdao.tx", secret)  # reviewer, signer
    assert not seen("vanthu.tx", secret) and not seen("truongphong.vp", secret)


def test_pages_refuse_other_agencies(org, client):
    doc = _register(org)
    client.force_login(org.user("vanthu.nc"))
    assert client.get(f"/van-ban-den/{doc.pk}/").status_code == 404
    att = doc.attachments.get()
    assert client.get(f"/van-ban/tep/{att.pk}/").status_code == 404
    assert (
        client.post(
            f"/van-ban-den/{doc.pk}/trinh/", {"present-leader": org.user("lanhdao.nc").pk}
        ).status_code
        == 404
    )
    client.force_login(org.user("vanthu.tx"))
    assert client.get(f"/van-ban-den/{doc.pk}/").status_code == 200
    assert client.get(f"/van-ban/tep/{att.pk}/").status_code == 200
