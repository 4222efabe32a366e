"""Untrusted text in, one set of rules (issue #11, findings 7 and 13; ADR 0096).

Every parser of outside text goes through here: the API's JSON bodies (``load_json``, the
ninja parser in ``congso.api.api`` and the lookup's plain view), query strings and form
fields (``InputTextMiddleware``), and the services that take text from imports. The rules:

- text is Unicode NFC: a Vietnamese name typed in decomposed form (NFD, as some macOS and
  iOS keyboards send it) is stored as the composed form every search and comparison expects;
- no control characters except tab and line breaks, no lone surrogates (JSON can spell them
  as ``\\ud800``; they cannot be encoded, stored in PostgreSQL, or rendered);
- JSON is bounded: nesting depth, integers within a signed 64-bit column, finite numbers.

Refusals are ``InputRefused`` (a ValueError with a Vietnamese message): the API answers 400,
forms and pages 400 with the message.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

MAX_JSON_DEPTH = 32
MAX_JSON_INT = 2**63 - 1  # the largest value a bigint column (and SQLite's INTEGER) holds
MAX_INT_DIGITS = 19
# One query-string value (a search box, a filter, a ``next`` address, a gateway's signed
# parameter): the longest legitimate one is a return address or a payment redirect's
# parameters, well under this. A longer value is refused before any view parses or searches
# it (a 100 kB ``?q=`` made the search build a query of thousands of terms).
MAX_QUERY_VALUE = 2_000

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_REFUSED_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class InputRefused(ValueError):
    """Input that no field may hold; ``message`` is for the user (Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _problem(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return _("Nội dung chứa ký tự Unicode không hợp lệ (surrogate đơn lẻ).")
    if char in "\r\n\t":
        return _("Trường này chỉ được một dòng, không chứa ký tự xuống dòng hay tab.")
    return _("Nội dung chứa ký tự điều khiển không được phép (mã U+{code}).").format(
        code=f"{ord(char):04X}"
    )


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` in NFC; InputRefused if it holds a control character (tab and line breaks
    allowed only in ``multiline`` text) or a lone surrogate."""
    found = (_REFUSED if multiline else _REFUSED_SINGLE_LINE).search(value)
    if found:
        raise InputRefused(_problem(found.group()))
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def text_validator(value: str, *, multiline: bool = True) -> str:
    """``clean_text`` for Django forms and models: a ValidationError instead."""
    try:
        return clean_text(value, multiline=multiline)
    except InputRefused as exc:
        raise ValidationError(exc.message, code="refused_character") from exc


# --- ASCII digits ---------------------------------------------------------------------------

ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def ascii_digits_only(value: str) -> bool:
    """True for a non-empty run of 0-9 only. ``str.isdigit`` and ``\\d`` also accept
    full-width (０-９), Arabic-Indic (٠-٩) and other digits, which no register holds."""
    return bool(ASCII_DIGITS.fullmatch(value))


# --- LIKE patterns -------------------------------------------------------------------------


def like_escape(value: str) -> str:
    """``value`` as literal text inside a LIKE pattern written by hand (``LIKE %s ESCAPE '\\'``):
    backslash, ``%`` and ``_`` escaped. Django's own lookups (icontains, startswith…) escape
    already; this is for raw SQL."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- JSON -----------------------------------------------------------------------------------


def _parse_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS or abs(int(text)) > MAX_JSON_INT:
        raise InputRefused(_("Số nguyên quá lớn (tối đa {limit}).").format(limit=MAX_JSON_INT))
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InputRefused(_("Số quá lớn."))
    return value


def _parse_constant(name: str) -> float:
    raise InputRefused(_("JSON không chấp nhận giá trị {name}.").format(name=name))


def _clean_tree(value: Any) -> Any:
    """Strings NFC and checked, depth bounded; iterative, so no recursion limit applies."""
    if isinstance(value, str):
        return clean_text(value)
    if not isinstance(value, (dict, list)):
        return value
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputRefused(
                _("JSON lồng nhau quá sâu (tối đa {limit} cấp).").format(limit=MAX_JSON_DEPTH)
            )
        if isinstance(node, dict):
            items: Iterable[tuple[Any, Any]] = list(node.items())
            for key, child in items:
                clean_key = clean_text(key)
                if clean_key != key:
                    del node[key]
                if isinstance(child, str):
                    node[clean_key] = clean_text(child)
                else:
                    node[clean_key] = child
                    if isinstance(child, (dict, list)):
                        stack.append((child, depth + 1))
        else:
            for index, child in enumerate(node):
                if isinstance(child, str):
                    node[index] = clean_text(child)
                elif isinstance(child, (dict, list)):
                    stack.append((child, depth + 1))
    return value


def load_json(raw: bytes | str) -> Any:
    """Parse untrusted JSON: UTF-8, depth ≤ MAX_JSON_DEPTH, integers that fit a bigint,
    finite numbers, strings NFC without control characters or lone surrogates. Raises
    InputRefused (message in Vietnamese)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InputRefused(_("Nội dung không phải văn bản UTF-8 hợp lệ.")) from exc
    try:
        data = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except RecursionError as exc:
        raise InputRefused(
            _("JSON lồng nhau quá sâu (tối đa {limit} cấp).").format(limit=MAX_JSON_DEPTH)
        ) from exc
    except ValueError as exc:  # InputRefused is one too
        if isinstance(exc, InputRefused):
            raise
        raise InputRefused(_("Nội dung JSON không đúng cú pháp.")) from exc
    return _clean_tree(data)


# --- query strings and form fields ----------------------------------------------------------


def _kept_raw(key: str) -> bool:
    """Fields passed on byte for byte: secrets (a password is compared as typed) and the
    payment gateway's signed ``vnp_*`` parameters (the signature covers their exact text)."""
    lowered = key.lower()
    return "password" in lowered or "mat_khau" in lowered or lowered.startswith("vnp_")


def _too_long(key: str, length: int, limit: int) -> InputRefused:
    shown = key if len(key) <= 40 else key[:40] + "…"
    return InputRefused(
        _("Tham số “{name}” dài quá: tối đa {limit} ký tự (đang có {length}).").format(
            name=shown, limit=f"{limit:,}".replace(",", "."), length=f"{length:,}".replace(",", ".")
        )
    )


def clean_querydict(data: QueryDict, *, max_value: int | None = None) -> QueryDict | None:
    """A normalised copy of ``data`` if any value changes, None if it is already clean.
    Raises InputRefused on a refused character in a key or a value, and on a key or value
    longer than ``max_value`` characters."""
    changed: dict[str, list[str]] = {}
    for key, values in data.lists():
        if max_value is not None:
            for text in (key, *values):
                if len(text) > max_value:
                    raise _too_long(key, len(text), max_value)
        clean_key = clean_text(key, multiline=False)
        if _kept_raw(key):
            cleaned = values
            for value in values:
                if "\x00" in value:  # NUL is refused even in a password
                    raise InputRefused(_problem("\x00"))
        else:
            cleaned = [clean_text(value) for value in values]
        if clean_key != key or cleaned != values:
            changed[key] = cleaned
    if not changed:
        return None
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean_key = clean_text(key, multiline=False)
        copy.setlist(clean_key, changed.get(key, values))
    copy._mutable = False
    return copy


class InputTextMiddleware:
    """The path, query strings and form fields of every request through ``clean_text``: values NFC, a
    control character, a lone surrogate or a query-string value over ``MAX_QUERY_VALUE``
    characters answered 400 with the reason (JSON under /api/, a page elsewhere). File contents are not text and are not touched; JSON bodies are checked
    by the API's parser (``load_json``)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            # A path segment reaches the views as a lookup value (a dossier code, a slug);
            # PostgreSQL refuses NUL in text and nothing legitimate carries a control character.
            found = _REFUSED_SINGLE_LINE.search(request.path_info)
            if found:
                raise InputRefused(_problem(found.group()))
            if request.META.get("QUERY_STRING"):
                cleaned = clean_querydict(request.GET, max_value=MAX_QUERY_VALUE)
                if cleaned is not None:
                    request.GET = cleaned  # type: ignore[assignment]
            if request.method == "POST" and request.content_type in self.FORM_TYPES:
                cleaned = clean_querydict(request.POST)
                if cleaned is not None:
                    request.POST = cleaned  # type: ignore[assignment]
        except InputRefused as exc:
            return refusal(request, exc.message)
        return self.get_response(request)


def refusal(request: HttpRequest, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    from django.template.loader import render_to_string

    # The page's context processors need the user; a request stopped before authentication
    # (none in the stack, but tests call the middleware alone) gets the page without them.
    html = render_to_string(
        "core/bad_input.html", {"message": message}, request if hasattr(request, "user") else None
    )
    return HttpResponse(html, status=400)
