"""Lấy ý kiến dự thảo (issue 15): comments held until the board's chief publishes them with
the unit's answer, rate-limited, no captcha, bad input refused in Vietnamese, each site's
chief moderates his site only."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congso.audit.models import AuditEvent
from congso.portal.models import (
    COMMENT_MOVES,
    CommentStatus,
    ConsultationComment,
    ConsultationPage,
    SectionPage,
)
from congso.portal.selectors import comments_to_moderate
from congso.portal.services import COMMENTS_PER_DRAFT_HOUR, comment_moderate, comment_submit

from .conftest import add

pytestmark = pytest.mark.django_db
URL = "/cong/nhan-chinh/lay-y-kien/du-thao-quy-che/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _draft(home, *, days: int = 10, slug: str = "du-thao-quy-che") -> ConsultationPage:
    section = home.get_children().filter(slug="lay-y-kien").first()
    if section is None:
        section = add(home, SectionPage(title="Lấy ý kiến dự thảo", slug="lay-y-kien"))
    return add(
        section.specific,
        ConsultationPage(
            title="Dự thảo Quy chế quản lý vỉa hè phường",
            slug=slug,
            drafting_unit="Văn phòng HĐND và UBND phường",
            closes_at=timezone.now() + dt.timedelta(days=days),
            intro="<p>Quy định việc sử dụng tạm thời vỉa hè.</p>",
        ),
    )


def _post(client, url=URL, address="127.0.0.1", **data):
    values = {"name": "Trần Văn An", "email": "an@example.vn", "body": "Nên cho phép đỗ xe đạp."}
    values.update(data)
    return client.post(url, values, REMOTE_ADDR=address)


def test_comment_held_until_the_chief_publishes_it_with_an_answer(client, sites):
    draft = _draft(sites.nc)
    response = _post(client)
    assert response.status_code == 302 and response.url.endswith("?da-gui=1#gop-y")
    comment = ConsultationComment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert "Nên cho phép đỗ xe đạp" not in client.get(URL).content.decode()
    assert "Ban biên tập duyệt" in client.get(URL + "?da-gui=1").content.decode()
    # The editor cannot moderate; Khương Mai's chief neither (another site).
    for username in ("bientap.nc", "lanhdao.km"):
        with pytest.raises(PermissionDenied):
            comment_moderate(comment=comment, to="published", by=sites.board[username])
    chief = sites.board["lanhdao.nc"]
    comment_moderate(
        comment=comment, to="published", answer="Ý kiến được tiếp thu tại Điều 5.", by=chief
    )
    body = client.get(URL).content.decode()
    assert "Nên cho phép đỗ xe đạp" in body and "Ý kiến được tiếp thu tại Điều 5." in body
    assert "an@example.vn" not in body  # the e-mail is never shown
    event = AuditEvent.objects.get(action="portal.comment_moderate")
    assert event.actor_id == chief.pk and event.data["to"] == "published"
    assert draft.pk == comment.page_id


def test_bad_input_refused_in_vietnamese_nothing_saved(client, sites):
    _draft(sites.nc)
    response = _post(client, name="  ", body="", email="không-phải-email")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Hãy nhập họ và tên." in body and "Hãy nhập nội dung góp ý." in body
    assert "Địa chỉ e-mail không hợp lệ." in body
    response = _post(client, body="x" * 2001)
    assert "Nội dung góp ý dài quá 2000 ký tự." in response.content.decode()
    assert not ConsultationComment.objects.exists()


def test_closed_draft_refuses_comments_and_hides_the_form(client, sites):
    draft = _draft(sites.nc)
    ConsultationPage.objects.filter(pk=draft.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        comment_submit(page=draft, name="A", email="", body="Muộn", client="203.0.113.9")
    response = _post(client)
    assert response.status_code == 400
    assert "đã hết hạn lấy ý kiến" in response.content.decode()
    assert 'name="body"' not in client.get(URL).content.decode()
    assert not ConsultationComment.objects.exists()


def test_robot_filling_the_hidden_field_saves_nothing(client, sites):
    _draft(sites.nc)
    response = _post(client, website="http://spam.example")
    assert response.status_code == 302
    assert not ConsultationComment.objects.exists()


def test_rate_limited_per_address_and_draft(client, sites):
    _draft(sites.nc)
    for i in range(COMMENTS_PER_DRAFT_HOUR):
        assert _post(client, body=f"Ý kiến {i}").status_code == 302
    response = _post(client, body="Một ý kiến nữa")
    assert response.status_code == 429
    assert "thử lại sau" in response.content.decode()
    assert ConsultationComment.objects.count() == COMMENTS_PER_DRAFT_HOUR
    # Another address is not affected.
    assert _post(client, address="198.51.100.7").status_code == 302


def test_moves_table_walked_in_full(sites):
    draft = _draft(sites.nc)
    chief = sites.board["lanhdao.nc"]
    states = list(CommentStatus.values)
    for start, to in itertools.product(states, states):
        comment = ConsultationComment.objects.create(page=draft, name="A", body="B", status=start)
        if to in COMMENT_MOVES[start]:
            assert comment_moderate(comment=comment, to=to, by=chief).status == to
        else:
            with pytest.raises(ValidationError):
                comment_moderate(comment=comment, to=to, by=chief)
            comment.refresh_from_db()
            assert comment.status == start


def test_admin_list_of_each_chief_is_his_sites(client, sites):
    nc = _draft(sites.nc)
    km = _draft(sites.km, slug="du-thao-km")
    ConsultationComment.objects.create(page=nc, name="Người Nhân Chính", body="NC")
    ConsultationComment.objects.create(page=km, name="Người Khương Mai", body="KM")
    assert [c.name for c in comments_to_moderate(sites.board["lanhdao.nc"])] == ["Người Nhân Chính"]
    assert comments_to_moderate(sites.board["bientap.nc"]) == []
    client.force_login(sites.board["lanhdao.nc"])
    body = client.get("/bien-tap/gop-y-du-thao/").content.decode()
    assert "Người Nhân Chính" in body and "Người Khương Mai" not in body
    other = ConsultationComment.objects.get(name="Người Khương Mai")
    response = client.post(f"/bien-tap/gop-y-du-thao/{other.pk}/duyet/", {"to": "published"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == CommentStatus.PENDING
    mine = ConsultationComment.objects.get(name="Người Nhân Chính")
    client.post(f"/bien-tap/gop-y-du-thao/{mine.pk}/duyet/", {"to": "published", "answer": "Đã rõ"})
    mine.refresh_from_db()
    assert mine.status == CommentStatus.PUBLISHED and mine.answer == "Đã rõ"


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_draft_page_queries_constant(client, sites):
    draft = _draft(sites.nc)
    ConsultationComment.objects.create(page=draft, name="A", body="B", status="published")
    before = _count(client, URL)
    for i in range(5):
        ConsultationComment.objects.create(page=draft, name=f"A{i}", body="B", status="published")
    assert _count(client, URL) == before <= 6
