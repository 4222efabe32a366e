from decimal import Decimal

import pytest

from congso.accounts.testing import login_verified
from congso.procedures.models import ProcedureVersion
from congso.procedures.services import version_publish

from .factories import VersionFactory, complete

pytestmark = pytest.mark.django_db


def test_admin_locks_published_versions_and_publishes_drafts(client, demo_org):
    admin = demo_org.user("quantri")
    login_verified(client, admin)
    published = version_publish(by=admin, version=complete(VersionFactory()))
    url = f"/quan-tri/procedures/procedureversion/{published.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="duration"' not in page  # every field read-only
    assert 'name="papers-0-name"' not in page  # inline papers read-only too
    client.post(url, {"duration": "99", "name": "Đổi tên"})
    published.refresh_from_db()
    assert published.duration == Decimal(3) and published.name != "Đổi tên"
    assert (
        client.post(
            f"/quan-tri/procedures/procedureversion/{published.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert ProcedureVersion.objects.filter(pk=published.pk).exists()
    # A draft is editable and can be published by the admin action, which applies the rules.
    draft = VersionFactory(
        procedure=published.procedure, number=2, valid_from=published.valid_from.replace(year=2020)
    )
    assert (
        'name="duration"'
        in client.get(f"/quan-tri/procedures/procedureversion/{draft.pk}/change/").content.decode()
    )
    response = client.post(
        "/quan-tri/procedures/procedureversion/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Cần ít nhất một thành phần hồ sơ." in response.content.decode()
    complete(draft)
    client.post(
        "/quan-tri/procedures/procedureversion/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published
