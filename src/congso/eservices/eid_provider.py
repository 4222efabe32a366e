"""A tiny local OpenID Connect provider standing in for VNeID in development and tests.

Served at /eid-thu-nghiem/ only when settings.CONGSO_EID_TEST_PROVIDER is on. It shows a page
where one types a 12-digit identity number and a name, then issues an authorization code,
checks PKCE at the token endpoint and returns an RS256-signed ID token. Keys and codes live in
the process (codes in the cache), which is all a laptop or a test run needs.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from congso.core.inputs import ascii_digits_only

from .oidc import b64url, pkce_challenge

KID = "congso-test-1"
_KEY: rsa.RSAPrivateKey | None = None


def _key() -> rsa.RSAPrivateKey:
    global _KEY
    if _KEY is None:
        _KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEY


def _enabled() -> None:
    if not (settings.CONGSO_EID_TEST_PROVIDER or settings.DEBUG):
        raise Http404


def _issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri("/eid-thu-nghiem").rstrip("/")


def sign_jwt(claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None, kid: str = KID) -> str:
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = (key or _key()).sign(
        f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{header}.{payload}.{b64url(signature)}"


def jwks_document() -> dict[str, Any]:
    numbers = _key().public_key().public_numbers()

    def as_b64(value: int) -> str:
        return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": KID,
                "n": as_b64(numbers.n),
                "e": as_b64(numbers.e),
            }
        ]
    }


def authorize(request: HttpRequest) -> HttpResponse:
    _enabled()
    params = request.GET if request.method == "GET" else request.POST
    needed = ("client_id", "redirect_uri", "state", "nonce", "code_challenge")
    if (
        params.get("response_type", "code") != "code"
        or any(not params.get(k) for k in needed)
        or params.get("code_challenge_method") != "S256"
    ):
        return HttpResponse("invalid_request", status=400, content_type="text/plain")
    error = ""
    if request.method == "POST":
        identity = request.POST.get("identity_number", "").strip()
        name = request.POST.get("name", "").strip()
        if len(identity) == 12 and ascii_digits_only(identity) and name:
            code = secrets.token_urlsafe(24)
            cache.set(
                f"eid-test-code:{code}",
                {
                    "client_id": params["client_id"],
                    "redirect_uri": params["redirect_uri"],
                    "nonce": params["nonce"],
                    "challenge": params["code_challenge"],
                    "identity_number": identity,
                    "name": name,
                },
                300,
            )
            sep = "&" if "?" in params["redirect_uri"] else "?"
            return HttpResponseRedirect(
                params["redirect_uri"] + sep + urlencode({"code": code, "state": params["state"]})
            )
        error = "Nhập số định danh 12 chữ số và họ tên."
    hidden = {
        k: params.get(k, "") for k in (*needed, "response_type", "code_challenge_method", "scope")
    }
    return render(request, "eservices/eid_test_provider.html", {"hidden": hidden, "error": error})


@csrf_exempt  # a server-to-server endpoint; authenticated by code + PKCE verifier
def token(request: HttpRequest) -> HttpResponse:
    _enabled()
    if request.method != "POST":
        return JsonResponse({"error": "invalid_request"}, status=405)
    grant = cache.get(f"eid-test-code:{request.POST.get('code', '')}")
    cache.delete(f"eid-test-code:{request.POST.get('code', '')}")  # codes are single-use
    if (
        grant is None
        or request.POST.get("grant_type") != "authorization_code"
        or request.POST.get("client_id") != grant["client_id"]
        or request.POST.get("redirect_uri") != grant["redirect_uri"]
        or pkce_challenge(request.POST.get("code_verifier", "")) != grant["challenge"]
    ):
        return JsonResponse({"error": "invalid_grant"}, status=400)
    now = int(time.time())
    claims = {
        "iss": _issuer(request),
        "aud": grant["client_id"],
        "sub": "vneid-" + grant["identity_number"],
        "iat": now,
        "exp": now + 300,
        "nonce": grant["nonce"],
        "name": grant["name"],
        "identity_number": grant["identity_number"],
    }
    return JsonResponse(
        {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": sign_jwt(claims),
        }
    )


def jwks(request: HttpRequest) -> HttpResponse:
    _enabled()
    return JsonResponse(jwks_document())
