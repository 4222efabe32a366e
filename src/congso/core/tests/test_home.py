from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from congso.accounts.testing import login_verified

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[4]


def test_home_requires_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_home_shows_only_modules_for_the_roles(client, demo_org):
    client.force_login(demo_org.user("chuyenvien.tp"))
    body = client.get(reverse("core:home")).content.decode()
    assert "Trang làm việc" in body and "Vũ Thị Lan" in body
    assert "Quản trị hệ thống" not in body
    login_verified(client, demo_org.user("quantri"))
    assert "Quản trị hệ thống" in client.get(reverse("core:home")).content.decode()


def test_public_index_and_health(client):
    assert "Công sở số" in client.get("/").content.decode()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/ping").content == b"pong"


def test_html_is_vietnamese_first(client):
    body = client.get("/").content.decode()
    assert '<html lang="vi">' in body


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "CONGSO_PRODUCTION": "true",
        "SECRET_KEY": "x" * 64 + "-prod-Key-9",
        "ALLOWED_HOSTS": "congso.example.gov.vn",
        "CONGSO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CONGSO_PAYMENT_SECRET": "merchant-secret-from-gateway",
        "CONGSO_VIRUS_SCANNER": "congso.core.clamd.ClamdScanner",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    env.pop("CONGSO_TESTING", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_sandbox_payment_secret(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "CONGSO_PRODUCTION": "true",
        "SECRET_KEY": "x" * 64 + "-prod-Key-9",
        "ALLOWED_HOSTS": "congso.example.gov.vn",
        "CONGSO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CONGSO_EID_TEST_PROVIDER": "true",
    }
    for name in ("CONGSO_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "CONGSO_PAYMENT_SECRET"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert (
        "congso.E001" in result.stderr + result.stdout
        and "congso.E003" in result.stderr + result.stdout
    )
