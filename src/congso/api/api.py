"""The HTTP API: one NinjaAPI assembled from each domain's router (``<app>/api.py``)."""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from congso.core.inputs import InputRefused, load_json


class UntrustedParser(Parser):
    """JSON bodies through ``congso.core.inputs.load_json`` (bounded depth and integers, NFC,
    no control characters or lone surrogates). Query strings and form fields were cleaned by
    InputTextMiddleware before they get here."""

    def parse_body(self, request: HttpRequest) -> Any:
        return load_json(request.body)


class VendoredSwagger(Swagger):
    """Swagger UI from the copy vendored under static/vendor/swagger-ui (never a CDN), started
    by a static script so that the page passes the CSP without 'unsafe-inline' (ADR 0103).
    The docs stay public: the schema is committed in the repository (openapi.json) and each
    operation checks its caller itself."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "swagger_settings": json.dumps(config).replace("<", "\\u003c"),
            "api": api,
            "add_csrf": True,
        }
        return render(request, "api/swagger.html", context)


api = NinjaAPI(
    title="CongSo API",
    version="1",
    description="API của CongSo — công sở số: lịch làm việc, thủ tục hành chính, hồ sơ một cửa, văn bản.",
    urls_namespace="api",
    parser=UntrustedParser(),
    # No badge from the public validator service (an outside request, blocked by the CSP).
    docs=VendoredSwagger(settings={"validatorUrl": None}),
)

# (URL prefix, module with a ``router``) for every domain that exposes an API.
ROUTERS = [
    ("/calendar/", "congso.calendar.api"),
    ("/procedures/", "congso.procedures.api"),
    ("/dossiers/", "congso.dossiers.api"),
    ("/eservices/", "congso.eservices.api"),
    ("/documents/", "congso.documents.api"),
    ("/counters/", "congso.counters.api"),
    ("/dashboard/", "congso.dashboard.api"),
    ("/index766/", "congso.dashboard.index_api"),
    ("/feedback/", "congso.feedback.api"),
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


def _field_message(err: dict[str, Any]) -> str:
    """pydantic's error for one field, in Vietnamese (its English text for unknown types)."""
    kind, ctx = str(err.get("type", "")), err.get("ctx") or {}
    if kind == "missing":
        return _("Thiếu trường bắt buộc.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Phải là một số nguyên.")
    if kind in ("float_parsing", "float_type", "finite_number"):
        return _("Phải là một số.")
    if kind in ("string_type", "string_unicode"):
        return _("Phải là một chuỗi ký tự.")
    if kind == "string_too_long":
        return _("Dài quá {n} ký tự.").format(n=ctx.get("max_length", "?"))
    if kind == "string_too_short":
        return _("Phải có ít nhất {n} ký tự.").format(n=ctx.get("min_length", "?"))
    if kind == "too_long":
        return _("Nhiều quá {n} phần tử.").format(n=ctx.get("max_length", "?"))
    if kind in ("less_than_equal", "less_than"):
        return _("Giá trị phải không lớn hơn {n}.").format(n=ctx.get("le", ctx.get("lt", "?")))
    if kind in ("greater_than_equal", "greater_than"):
        return _("Giá trị phải không nhỏ hơn {n}.").format(n=ctx.get("ge", ctx.get("gt", "?")))
    if kind.startswith(("datetime_", "date_", "time_")):
        return _(
            "Ngày giờ không hợp lệ (dạng ISO 8601, năm 1–9999, ví dụ 2026-12-20T09:00:00+07:00)."
        )
    if kind in ("bool_parsing", "bool_type"):
        return _("Phải là true hoặc false.")
    if kind in ("list_type", "model_type", "dict_type", "model_attributes_type"):
        return _("Kiểu dữ liệu không đúng.")
    if kind in ("enum", "literal_error"):
        return _("Giá trị không thuộc danh sách cho phép.")
    if kind == "value_error":
        message = str(ctx.get("error", "") or err.get("msg", ""))
        return message.removeprefix("Value error, ")
    return str(err.get("msg", ""))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        where = ".".join(str(x) for x in err.get("loc", []) if x not in ("query", "body", "path"))
        problems.append({"field": where, "message": _field_message(err)})
    return _error(request, _("Tham số không hợp lệ."), 422, errors=problems)


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
    # ninja wraps any parser error in HttpError(400, "Cannot parse request body"): answer the
    # parser's own reason.
    cause = exc.__cause__
    if isinstance(cause, InputRefused):
        return _error(request, cause.message, 400)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _error(request, _("Nội dung yêu cầu không đọc được (cần JSON hợp lệ)."), 400)
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(InputRefused)
def on_input_refused(request: HttpRequest, exc: InputRefused) -> HttpResponse:
    return _error(request, exc.message, 400)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, _("Không tìm thấy."), 404)
