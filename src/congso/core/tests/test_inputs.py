"""Untrusted text (issue #11, findings 7 and 13): JSON bounds, NFC, control characters, ASCII
digits — the helpers, the middleware for query strings and forms, and the API end to end."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from congso.core.inputs import (
    MAX_JSON_DEPTH,
    MAX_QUERY_VALUE,
    InputRefused,
    InputTextMiddleware,
    ascii_digits_only,
    clean_text,
    load_json,
)

NFC_NAME = "Nguyễn Thị Hồng Nhung"
NFD_NAME = unicodedata.normalize("NFD", NFC_NAME)


def test_nfd_becomes_nfc_and_ascii_is_untouched():
    assert NFD_NAME != NFC_NAME
    assert clean_text(NFD_NAME) == NFC_NAME
    assert clean_text("plain") == "plain"


@pytest.mark.parametrize(
    "bad", ["a\x00b", "\x1b[31m", "a\x7f", "x\x85y", "\ud800", "ab\udfffcd", "\x0c"]
)
def test_control_characters_and_lone_surrogates_are_refused(bad):
    with pytest.raises(InputRefused) as caught:
        clean_text(bad)
    assert not caught.value.message.isascii()  # a Vietnamese message


def test_line_breaks_and_tabs_only_in_multiline_text():
    assert clean_text("dòng 1\r\ndòng 2\tcột") == "dòng 1\r\ndòng 2\tcột"
    with pytest.raises(InputRefused, match="một dòng"):
        clean_text("a\nb", multiline=False)


@pytest.mark.parametrize(
    "digits", ["００１０９００１２３４５", "٠٠١٠٩٠٠١٢٣٤٥", "۰۰۱۰۹۰۰۱۲۳۴۵", "0010900１2345"]
)
def test_only_ascii_digits_are_digits(digits):
    assert digits.isdigit()  # what Python (and \\d) would have accepted
    assert not ascii_digits_only(digits)
    assert ascii_digits_only("001090012345")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"code": "\\ud800"}', "surrogate"),
        ('{"\\udc00": 1}', "surrogate"),
        ("[" * 5000 + "]" * 5000, "lồng nhau"),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "lồng nhau"),
        ('{"a":' * 40 + "1" + "}" * 40, "lồng nhau"),
        ('{"n": ' + "9" * 5000 + "}", "quá lớn"),
        ('{"n": ' + str(2**63) + "}", "quá lớn"),
        ('{"n": -' + str(2**63 + 1) + "}", "quá lớn"),
        ('{"n": 1e400}', "quá lớn"),
        ('{"n": NaN}', "NaN"),
        ('{"n": Infinity}', "Infinity"),
        ('{"s": "a\\u0000"}', "điều khiển"),
        (b'{"s": "\xff"}', "UTF-8"),
        ("{", "cú pháp"),
    ],
)
def test_json_refusals(raw, reason):
    with pytest.raises(InputRefused, match=reason):
        load_json(raw)


def test_json_within_bounds_is_parsed_and_normalised():
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert load_json(nested) is not None
    data = load_json(
        json.dumps({"name": NFD_NAME, NFD_NAME: [NFD_NAME, {"n": 2**63 - 1}], "x": 1.5})
    )
    assert data == {"name": NFC_NAME, NFC_NAME: [NFC_NAME, {"n": 2**63 - 1}], "x": 1.5}


def _through_middleware(request):  # type: ignore[no-untyped-def]
    seen = {}

    def view(req):  # type: ignore[no-untyped-def]
        seen["GET"], seen["POST"] = req.GET, req.POST
        return HttpResponse("ok")

    return InputTextMiddleware(view)(request), seen


def test_middleware_normalises_query_and_form_fields_but_not_passwords_or_signed_fields():
    factory = RequestFactory()
    response, seen = _through_middleware(
        factory.post(
            f"/tra-cuu/?ten={NFD_NAME}",
            {"ten": NFD_NAME, "password": NFD_NAME, "vnp_OrderInfo": NFD_NAME},
        )
    )
    assert response.status_code == 200
    assert seen["GET"]["ten"] == NFC_NAME and seen["POST"]["ten"] == NFC_NAME
    assert seen["POST"]["password"] == NFD_NAME and seen["POST"]["vnp_OrderInfo"] == NFD_NAME


@pytest.mark.parametrize(
    ("path", "kind"), [("/tra-cuu/", "text/html"), ("/api/v1/dossiers/", "application/json")]
)
def test_middleware_refuses_control_characters_with_the_reason(path, kind, db):
    factory = RequestFactory()
    for request in (
        factory.get(path + "?q=%00"),
        factory.get(path + "?q=%1B"),
        factory.post(path, {"ghi_chu": "a\x1bb"}),
        factory.post(path, {"password": "a\x00"}),
    ):
        response, _seen = _through_middleware(request)
        assert response.status_code == 400 and response["Content-Type"].startswith(kind)
        assert "ký tự điều khiển" in response.content.decode()


@pytest.mark.django_db
def test_public_lookup_page_refuses_an_escape_character():
    response = Client().post("/tra-cuu/", {"ma": "H26\x1b", "so_dinh_danh": "001090012345"})
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.content.decode()


@pytest.mark.parametrize("number", ["００１０９００１２３４５", "٠٠١٠٩٠٠١٢٣٤٥", "0010900１2345"])
def test_identity_and_phone_numbers_are_ascii_digits(number):
    from congso.accounts.logins import PHONE_RE
    from congso.dossiers.identity import identity_problem
    from congso.dossiers.models import IDENTITY_RE

    assert identity_problem("001090012345") is None
    assert identity_problem(number) == "Số định danh cá nhân (CCCD) gồm đúng 12 chữ số."
    assert not IDENTITY_RE.match(number)
    assert PHONE_RE.match("0912345678") and not PHONE_RE.match("０９１２３４５６７８")


def test_like_wildcards_are_text():
    from congso.core.inputs import like_escape

    assert like_escape("50%_a\\b") == "50\\%\\_a\\\\b"


@pytest.mark.parametrize("q", ["_", "%", "\\", "__", "%_%", "'"])
def test_dossier_search_text_of_wildcards_matches_nothing(q):
    from congso.dossiers.selectors import search_condition

    condition = search_condition(q)
    assert condition is not None  # not "no filter", which lists everything
    assert "pk__in" in str(condition) or "startswith" in str(condition)


LONG_Q = "giấy khai sinh " * 6_700  # ≈ 100 kB of a search box


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/thu-tuc/", None),
        ("/api/v1/procedures/", None),
        ("/tra-cuu/", None),
        ("/mot-cua/hang-doi/", "motcua.tx"),
        ("/mot-cua/tiep-nhan/tim-thu-tuc/", "motcua.tx"),
        ("/api/v1/dossiers/", "motcua.tx"),
        ("/van-ban-den/", "vanthu.tx"),
    ],
)
def test_a_100_kb_query_value_is_refused_in_vietnamese_at_once(demo_org, path, who):
    """One long ``?q=`` (100 kB) never reaches a view: 400 with the parameter's name and the
    limit, at once — not a search of thousands of words, not a 500."""
    import time

    client = Client()
    if who:
        client.force_login(demo_org.user(who))
    started = time.perf_counter()
    response = client.get(path, {"q": LONG_Q})
    elapsed = time.perf_counter() - started
    assert response.status_code == 400, (path, response.status_code)
    assert "Tham số “q” dài quá: tối đa 2.000 ký tự" in response.content.decode()
    assert elapsed < 1.0, elapsed
    # A key of that length likewise; a value at the limit passes the middleware.
    assert client.get(path, {"x" * 3_000: "1"}).status_code == 400
    assert client.get(path, {"q": "a" * MAX_QUERY_VALUE}).status_code < 500
