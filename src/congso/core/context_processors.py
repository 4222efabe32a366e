from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from congso.org.selectors import staff_for

    return {"SITE_NAME": "CongSo — Công sở số", "current_staff": staff_for(request.user)}
