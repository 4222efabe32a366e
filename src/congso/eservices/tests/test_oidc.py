"""National e-ID login against the local test provider, over real HTTP (live_server), and the
ID-token checks one by one."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ValidationError

from congso.eservices import eid_provider, oidc
from congso.eservices.models import CitizenProfile


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.mark.django_db(transaction=True)
def test_full_code_flow_with_pkce_against_local_provider(live_server, settings):
    settings.CONGSO_EID_ISSUER = live_server.url + "/eid-thu-nghiem"
    settings.CONGSO_EID_TEST_PROVIDER = True
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def get(url):  # type: ignore[no-untyped-def]
        try:
            return opener.open(url)
        except urllib.error.HTTPError as exc:
            return exc

    def consent(identity: str, name: str) -> str:
        """Start a login, answer the provider's page; return the callback URL it redirects to."""
        authorize = get(live_server.url + "/dich-vu-cong/vneid/").headers["Location"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
        assert query["code_challenge_method"] == "S256" and query["state"] and query["nonce"]
        page = get(authorize).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {**query, "csrfmiddlewaretoken": token, "identity_number": identity, "name": name}
        ).encode()
        answer = get(urllib.request.Request(authorize.split("?")[0], data=body))
        return answer.headers["Location"]

    callback = consent("001190007777", "Đỗ Thị Hoa")
    assert "/dich-vu-cong/vneid/ket-qua/?code=" in callback
    # A forged state is refused and nothing is created.
    bad = get(callback.replace("state=", "state=x"))
    assert bad.headers["Location"].endswith("/dich-vu-cong/dang-nhap/")
    assert not CitizenProfile.objects.exists()
    # State is single-use: run a clean flow.
    callback = consent("001190007777", "Đỗ Thị Hoa")
    done = get(callback)
    assert done.headers["Location"] == "/dich-vu-cong/"
    profile = CitizenProfile.objects.select_related("user").get(identity_number="001190007777")
    assert profile.eid_subject == "vneid-001190007777" and profile.user.full_name == "Đỗ Thị Hoa"
    assert profile.user.is_active and not profile.user.has_usable_password()
    home = get(live_server.url + "/dich-vu-cong/")
    assert "Đỗ Thị Hoa" in home.read().decode()
    # Replaying the used code fails at the provider (single use) and logs nobody in.
    assert get(callback).headers["Location"].endswith("/dich-vu-cong/dang-nhap/")


def _token(**over):  # type: ignore[no-untyped-def]
    now = int(time.time())
    claims = {
        "iss": "https://eid.example",
        "aud": "congso",
        "sub": "s1",
        "iat": now,
        "exp": now + 60,
        "nonce": "n1",
        "identity_number": "001190000001",
        "name": "A",
    }
    claims.update(over)
    return claims


def _check(token, **kw):  # type: ignore[no-untyped-def]
    args = {
        "jwks": eid_provider.jwks_document(),
        "issuer": "https://eid.example",
        "audience": "congso",
        "nonce": "n1",
    }
    args.update(kw)
    return oidc.verify_id_token(token, **args)


def test_id_token_checks():
    good = eid_provider.sign_jwt(_token())
    assert _check(good)["sub"] == "s1"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad_tokens = [
        eid_provider.sign_jwt(_token(), key=other_key),  # signed by someone else
        eid_provider.sign_jwt(_token(nonce="replayed")),  # nonce of another login
        eid_provider.sign_jwt(_token(aud="other-client")),
        eid_provider.sign_jwt(_token(iss="https://evil.example")),
        eid_provider.sign_jwt(_token(exp=int(time.time()) - 3600)),  # expired
        good[:-4] + "AAAA",  # broken signature
        oidc.b64url(b'{"alg":"none"}') + "." + good.split(".")[1] + ".",  # alg none
        "not-a-jwt",
    ]
    for token in bad_tokens:
        with pytest.raises(ValidationError):
            _check(token)


@pytest.mark.django_db
def test_claims_map_to_existing_account_by_identity_number():
    from .factories import CitizenFactory

    user = CitizenFactory(profile__identity_number="001190000002")
    got = oidc.citizen_from_eid(_token(sub="vneid-x", identity_number="001190000002"))
    assert got == user
    assert CitizenProfile.objects.get(user=user).eid_subject == "vneid-x"
    with pytest.raises(ValidationError):
        oidc.citizen_from_eid(_token(identity_number="123"))


@pytest.mark.django_db
def test_test_provider_is_off_unless_enabled_and_login_button_follows_config(client, settings):
    settings.CONGSO_EID_TEST_PROVIDER = False
    settings.DEBUG = False
    assert client.get("/eid-thu-nghiem/jwks").status_code == 404
    settings.CONGSO_EID_ISSUER = ""
    assert "VNeID" not in client.get("/dich-vu-cong/dang-nhap/").content.decode()
    r = client.get("/dich-vu-cong/vneid/", follow=True)
    assert "chưa được cấu hình" in r.content.decode()
    settings.CONGSO_EID_ISSUER = "https://eid.example"
    assert "VNeID" in client.get("/dich-vu-cong/dang-nhap/").content.decode()
