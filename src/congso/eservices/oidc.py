"""National e-ID login (VNeID-style) as an OpenID Connect relying party.

Authorization code flow with PKCE (S256), ``state`` against CSRF on the callback and
``nonce`` against ID-token replay. The ID token is an RS256 JWT verified against the
provider's JWKS with `cryptography`; claims map to a citizen account by identity number.
Endpoints are the issuer's ``/authorize``, ``/token`` and ``/jwks`` (see docs/eservices.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import AccountKind, User
from congso.audit.services import audit_record

from .models import CitizenProfile, identity_number_validator

SESSION_KEY = "eid_login"
CLOCK_SKEW = 60


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pkce_challenge(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode()).digest())


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    client_id: str
    client_secret: str

    @property
    def authorize_url(self) -> str:
        return self.issuer + "/authorize"

    @property
    def token_url(self) -> str:
        return self.issuer + "/token"

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/jwks"


def provider_config() -> ProviderConfig | None:
    issuer = settings.CONGSO_EID_ISSUER.rstrip("/")
    if not issuer:
        return None
    return ProviderConfig(issuer, settings.CONGSO_EID_CLIENT_ID, settings.CONGSO_EID_CLIENT_SECRET)


def begin(session: Any, redirect_uri: str, next_url: str = "") -> str:
    """Remember state, nonce and the PKCE verifier in the session; return the authorize URL."""
    config = provider_config()
    if config is None:
        raise ValidationError(_("Đăng nhập bằng VNeID chưa được cấu hình."))
    state, nonce, verifier = (
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(48),
    )
    session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "next": next_url,
    }
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{config.authorize_url}?{query}"


def _http_json(url: str, data: dict[str, str] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured https URL
            result: dict[str, Any] = json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise ValidationError(_("Không kết nối được với hệ thống định danh điện tử.")) from exc
    return result


def _rsa_key(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


def verify_id_token(
    token: str,
    *,
    jwks: dict[str, Any],
    issuer: str,
    audience: str,
    nonce: str,
    now: float | None = None,
) -> dict[str, Any]:
    """Check an RS256 ID token's signature and claims; return the claims or raise."""
    bad = ValidationError(_("Thông tin định danh điện tử không hợp lệ."), code="id_token")
    try:
        header_b64, payload_b64, sig_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        claims: dict[str, Any] = json.loads(b64url_decode(payload_b64))
        signature = b64url_decode(sig_b64)
    except (ValueError, TypeError):
        raise bad
    # Only RS256: never let the token choose "none" or an HMAC keyed with the public key.
    if header.get("alg") != "RS256":
        raise bad
    keys = [
        k
        for k in jwks.get("keys", [])
        if k.get("kty") == "RSA"
        and (header.get("kid") is None or k.get("kid") == header.get("kid"))
    ]
    if not keys:
        raise bad
    signed = f"{header_b64}.{payload_b64}".encode()
    try:
        _rsa_key(keys[0]).verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, KeyError):
        raise bad
    now = time.time() if now is None else now
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if (
        claims.get("iss") != issuer
        or audience not in audiences
        or not isinstance(claims.get("exp"), int | float)
        or claims["exp"] < now - CLOCK_SKEW
        or claims.get("iat", 0) > now + CLOCK_SKEW
        or not secrets.compare_digest(str(claims.get("nonce", "")), nonce)
    ):
        raise bad
    return claims


def complete(session: Any, *, code: str, state: str) -> tuple[User, str]:
    """Finish the login from the callback: state check, token exchange, ID-token checks.

    Returns the (possibly new) citizen account and where to go next.
    """
    config = provider_config()
    pending = session.pop(SESSION_KEY, None)
    if (
        config is None
        or not pending
        or not state
        or not secrets.compare_digest(state, pending["state"])
    ):
        raise ValidationError(
            _("Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn. Hãy thử lại."), code="state"
        )
    tokens = _http_json(
        config.token_url,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending["redirect_uri"],
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "code_verifier": pending["verifier"],
        },
    )
    if "id_token" not in tokens:
        raise ValidationError(_("Hệ thống định danh điện tử từ chối yêu cầu đăng nhập."))
    jwks = _http_json(config.jwks_url)
    claims = verify_id_token(
        tokens["id_token"],
        jwks=jwks,
        issuer=config.issuer,
        audience=config.client_id,
        nonce=pending["nonce"],
    )
    return citizen_from_eid(claims), pending.get("next") or ""


@transaction.atomic
def citizen_from_eid(claims: dict[str, Any]) -> User:
    """Map verified e-ID claims to a citizen account: by e-ID subject, then identity number;
    create one when neither is known. An e-ID login is a verified identity."""
    subject = str(claims.get("sub", ""))
    identity = str(claims.get("identity_number", ""))
    try:
        identity_number_validator(identity)
    except ValidationError:
        raise ValidationError(_("Thông tin định danh điện tử thiếu số định danh cá nhân."))
    profile = (
        CitizenProfile.objects.select_for_update()
        .select_related("user")
        .filter(eid_subject=subject)
        .first()
        or CitizenProfile.objects.select_for_update()
        .select_related("user")
        .filter(identity_number=identity)
        .first()
    )
    if profile is None:
        user = User.objects.create_user(
            username=f"vneid-{identity}",
            kind=AccountKind.CITIZEN,
            full_name=str(claims.get("name", ""))[:200],
            phone=str(claims.get("phone_number", ""))[:20],
        )
        user.set_unusable_password()
        user.save()
        profile = CitizenProfile.objects.create(
            user=user, identity_number=identity, eid_subject=subject
        )
        audit_record(actor=user, action="citizen.eid_register", target=user)
    else:
        user = profile.user
        if user.kind == AccountKind.STAFF:
            raise ValidationError(_("Tài khoản cán bộ không đăng nhập bằng VNeID tại đây."))
        profile.eid_subject = subject
        profile.identity_number = identity
        profile.save(update_fields=["eid_subject", "identity_number"])
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
    audit_record(actor=user, action="citizen.eid_login", target=user)
    return user
