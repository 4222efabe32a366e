"""The editorial board: editors see and edit only their site, the chief approves through the
Wagtail workflow, publishing without approval needs the chief and a reason, every publish has
an audit row, scheduled publishing runs in the task worker (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text

from congso.audit.models import AuditEvent
from congso.core.tasks import PERIODIC
from congso.org.models import Role, RoleAssignment
from congso.portal import tasks
from congso.portal.models import ArticlePage

from .conftest import article

pytestmark = pytest.mark.django_db


def _perms(user, page):
    return page.permissions_for_user(user)


def test_editors_edit_only_their_site(sites):
    editor_nc = sites.board["bientap.nc"]
    chief_nc = sites.board["lanhdao.nc"]
    editor_tx = sites.org.user("bientap.tx")
    nc_article = article(sites.nc_news, "Tin phường")
    tx_article = article(sites.district_news, "Tin quận")
    assert _perms(editor_nc, nc_article).can_edit()
    assert not _perms(editor_nc, tx_article).can_edit()
    assert not _perms(editor_nc, sites.km_news).can_add_subpage()
    assert _perms(editor_tx, tx_article).can_edit()
    # The district's board (its Văn phòng) has no rights inside a ward's site (ADR 0059).
    assert not _perms(editor_tx, nc_article).can_edit()
    # Editors cannot publish; the chief can, on his site only.
    assert not _perms(editor_nc, nc_article).can_publish()
    assert _perms(chief_nc, nc_article).can_publish()
    assert not _perms(chief_nc, tx_article).can_publish()


def test_explorer_shows_only_own_site(client, sites):
    article(sites.district_news, "Tin chỉ của quận ZQX")
    client.force_login(sites.board["bientap.nc"])
    response = client.get(f"/bien-tap/pages/{sites.district_news.pk}/")
    assert response.status_code in (302, 403, 404)
    response = client.get(f"/bien-tap/pages/{sites.district.pk}/edit/")
    assert response.status_code in (302, 403)
    own = client.get(f"/bien-tap/pages/{sites.nc_news.pk}/")
    assert own.status_code == 200
    assert "ZQX" not in own.content.decode()


def test_groups_follow_roles(sites):
    editor = sites.board["bientap.nc"]
    assert _perms(editor, sites.nc_news).can_add_subpage()
    RoleAssignment.objects.filter(staff__user=editor, role=Role.PORTAL_EDITOR).delete()
    editor.refresh_from_db()
    fresh = type(editor).objects.get(pk=editor.pk)
    assert not _perms(fresh, sites.nc_news).can_add_subpage()


def test_workflow_editor_submits_chief_approves(sites):
    editor, chief = sites.board["bientap.nc"], sites.board["lanhdao.nc"]
    page = article(sites.nc_news, "Tin gửi duyệt", live=False, slug="gui-duyet")
    workflow = page.get_workflow()
    assert workflow is not None
    state = workflow.start(page, editor)
    task_state = state.current_task_state
    # The editor cannot approve his own article; the chief can.
    assert task_state.task.specific.user_can_access_editor(page, chief)
    actions = [name for name, *_ in task_state.task.specific.get_actions(page, editor)]
    assert "approve" not in actions
    task_state.task.specific.on_action(task_state, chief, "approve")
    page.refresh_from_db()
    assert page.live
    event = AuditEvent.objects.filter(action="portal.page_publish", target_id=str(page.pk)).get()
    assert event.data["via"] == "workflow"
    assert event.actor_id == chief.pk
    assert event.unit_id == sites.org.wards["00343"].pk


def _edit_data(page, **extra):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": timezone.localtime(page.date).strftime("%Y-%m-%d %H:%M"),
            "summary": page.summary,
            "image_alt": "",
            "body": rich_text("Nội dung đã sửa"),
            "author": "",
            "comments": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
            **extra,
        }
    )


def test_direct_publish_needs_chief_and_reason(client, sites):
    chief, editor = sites.board["lanhdao.nc"], sites.board["bientap.nc"]
    page = article(sites.nc_news, "Tin khẩn", live=False, slug="tin-khan")
    url = f"/bien-tap/pages/{page.pk}/edit/"
    # An editor's "publish" is not a publish.
    client.force_login(editor)
    client.post(url, _edit_data(page, **{"action-publish": "1", "publish_reason": "Gấp"}))
    page.refresh_from_db()
    assert not page.live
    # The chief without a reason: refused with the reason asked for.
    client.force_login(chief)
    response = client.post(url, _edit_data(page, **{"action-publish": "1"}))
    page.refresh_from_db()
    assert not page.live
    assert "cần ghi lý do" in response.content.decode()
    # With a reason: published, audited with the reason.
    client.post(
        url,
        _edit_data(
            page, **{"action-publish": "1", "publish_reason": "Thông báo khẩn về phòng chống bão"}
        ),
    )
    page.refresh_from_db()
    assert page.live
    event = AuditEvent.objects.filter(action="portal.page_publish", target_id=str(page.pk)).latest(
        "pk"
    )
    assert event.data["via"] == "direct"
    assert event.data["reason"] == "Thông báo khẩn về phòng chống bão"
    assert event.actor_id == chief.pk


def test_scheduled_publishing_by_the_task_worker(sites, client):
    chief = sites.board["lanhdao.nc"]
    page = article(sites.nc_news, "Tin hẹn giờ", live=False, slug="hen-gio")
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    revision = page.save_revision(user=chief)
    revision.publish(user=chief)
    page.refresh_from_db()
    assert not page.live
    assert client.get("/cong/nhan-chinh/tin-tuc/hen-gio/").status_code == 404
    tasks.publish_scheduled.call()
    page.refresh_from_db()
    assert not page.live  # not yet due
    # An hour later (the revision's times moved back instead of the clock forward).
    past = timezone.now() - dt.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    tasks.publish_scheduled.call()
    page.refresh_from_db()
    assert page.live
    assert client.get("/cong/nhan-chinh/tin-tuc/hen-gio/").status_code == 200
    assert "congso.portal.tasks.publish_scheduled" in PERIODIC  # run by the worker's tick
    event = AuditEvent.objects.filter(action="portal.page_publish", target_id=str(page.pk)).latest(
        "pk"
    )
    assert event.data["via"] == "scheduled"


def test_expired_page_unpublished_on_time(sites, client):
    page = article(sites.nc_news, "Tin hết hạn", slug="het-han")
    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - dt.timedelta(minutes=1))
    tasks.publish_scheduled.call()
    assert client.get("/cong/nhan-chinh/tin-tuc/het-han/").status_code == 404
    assert AuditEvent.objects.filter(
        action="portal.page_unpublish", target_id=str(page.pk)
    ).exists()
    assert not ArticlePage.objects.get(pk=page.pk).live


def test_bulk_publish_refused(client, sites):
    page = article(sites.nc_news, "Tin hàng loạt", live=False, slug="hang-loat")
    client.force_login(sites.board["lanhdao.nc"])
    client.post(
        f"/bien-tap/bulk/wagtailcore/page/publish/?id={page.pk}", {"include_descendants": ""}
    )
    page.refresh_from_db()
    assert not page.live


def test_admin_without_board_role_is_told_not_looped(client, sites):
    assert client.get("/bien-tap/").url.startswith("/bien-tap-dang-nhap/")
    assert client.get("/bien-tap-dang-nhap/?next=/bien-tap/").url.startswith(
        "/tai-khoan/dang-nhap/"
    )
    client.force_login(sites.org.user("motcua.nc"))  # a ward officer on no board
    response = client.get("/bien-tap/", follow=True)
    assert response.status_code == 403
    assert "chưa thuộc ban biên tập" in response.content.decode()
