"""Demo data on a production server (issue 11, item 14): ``demo_load`` refuses, and
``check --deploy`` names demo accounts that are still there."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from congso.accounts.models import User
from congso.core.checks import demo_accounts
from congso.org.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_load_refuses_in_production_and_writes_nothing(settings):
    settings.PRODUCTION = True
    users, units = User.objects.count(), Unit.objects.count()
    with pytest.raises(CommandError, match="Không nạp dữ liệu mẫu trên máy chủ chính thức"):
        call_command("demo_load")
    assert (User.objects.count(), Unit.objects.count()) == (users, units)
    assert not User.objects.filter(username="quantri").exists()


def _names(message: str) -> list[str]:
    return message.split(": ", 1)[1].rstrip(".").split(", ")


def test_no_demo_accounts_no_message():
    User.objects.create_user(username="admin.thanhxuan", password="Mat-khau-rieng-2026")
    assert demo_accounts() == []


def test_demo_accounts_with_the_demo_password_are_an_error(demo_org):
    messages = {m.id: m for m in demo_accounts()}
    assert set(messages) == {"congso.E010"}
    assert "quantri" in messages["congso.E010"].msg and "motcua.tx" in messages["congso.E010"].msg


def test_demo_usernames_with_a_changed_password_are_a_warning(demo_org):
    quantri = demo_org.user("quantri")
    quantri.set_password("Mot-mat-khau-moi-rat-dai-2026")
    quantri.save()
    messages = {m.id: m for m in demo_accounts()}
    assert _names(messages["congso.W010"].msg) == ["quantri"]
    assert "quantri" not in _names(messages["congso.E010"].msg)


def test_check_deploy_reports_demo_accounts(demo_org):
    with pytest.raises(SystemCheckError, match=r"congso\.E010"):
        call_command("check", deploy=True, tags=["security"])
