"""The HTTP API: one NinjaAPI assembled from each domain's router (``<app>/api.py``)."""

from __future__ import annotations

from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

api = NinjaAPI(
    title="CongSo API",
    version="1",
    description="API của CongSo — công sở số: lịch làm việc, thủ tục hành chính, hồ sơ một cửa, văn bản.",
    urls_namespace="api",
)

# (URL prefix, module with a ``router``) for every domain that exposes an API.
ROUTERS = [
    ("/calendar/", "congso.calendar.api"),
    ("/procedures/", "congso.procedures.api"),
    ("/dossiers/", "congso.dossiers.api"),
    ("/eservices/", "congso.eservices.api"),
    ("/documents/", "congso.documents.api"),
]
for prefix, module_name in ROUTERS:
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    api.add_router(prefix, module.router)


def _error(request: HttpRequest, message: str, status: int, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        where = ".".join(str(x) for x in err.get("loc", []) if x not in ("query", "body", "path"))
        problems.append({"field": where, "message": err.get("msg", "")})
    return _error(request, "Tham số không hợp lệ.", 422, errors=problems)


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, "; ".join(exc.messages), 400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, str(exc) or "Bạn không có quyền thực hiện thao tác này.", 403)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, "Cần đăng nhập.", 401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, str(exc), exc.status_code)
