"""Passwords and signing PINs have an upper length (issue #11, ASVS V2.1.2): a megabyte posted
as a password or a PIN is refused with a Vietnamese message and never reaches the hasher."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, hashers
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from congso.accounts.validators import MAX_PASSWORD_LENGTH
from congso.org.demo import DEMO_PASSWORD
from congso.signing import pins
from congso.signing.models import SignerPin

pytestmark = pytest.mark.django_db

MEGABYTE = "Mật-khẩu-1" * 100_000  # 1,000,000 characters
MESSAGE = "Mật khẩu dài quá: tối đa 128 ký tự."


@pytest.fixture
def hashed(monkeypatch):
    """The lengths of every text the password hashers were given."""
    seen: list[int] = []
    real = hashers.pbkdf2

    def spy(password, salt, iterations, dklen=0, digest=None):  # type: ignore[no-untyped-def]
        seen.append(len(password))
        return real(password, salt, iterations, dklen=dklen, digest=digest)

    monkeypatch.setattr(hashers, "pbkdf2", spy)
    return seen


def _never_long(seen: list[int]) -> None:
    assert all(n <= MAX_PASSWORD_LENGTH for n in seen), seen


@pytest.mark.parametrize("path", ["/tai-khoan/dang-nhap/", "/dich-vu-cong/dang-nhap/"])
def test_a_megabyte_password_at_login_is_refused_unhashed(client, demo_org, hashed, path):
    response = client.post(path, {"username": "motcua.tx", "password": MEGABYTE})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    _never_long(hashed)
    # The field says its bound to the browser, and the right password still logs in.
    assert f'maxlength="{MAX_PASSWORD_LENGTH}"' in client.get(path).content.decode()
    response = client.post(path, {"username": "motcua.tx", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_backend_never_hashes_an_over_long_password(demo_org, hashed):
    request = RequestFactory().post("/tai-khoan/dang-nhap/")
    assert authenticate(request, username="motcua.tx", password=MEGABYTE) is None
    assert authenticate(request, username="khong-co-ai", password=MEGABYTE) is None
    _never_long(hashed)


def test_password_change_refuses_a_megabyte_in_any_field(client, demo_org, hashed):
    user = demo_org.user("motcua.tx")
    client.force_login(user)
    for data in (
        {"old_password": MEGABYTE, "new_password1": "x", "new_password2": "x"},
        {"old_password": DEMO_PASSWORD, "new_password1": MEGABYTE, "new_password2": MEGABYTE},
    ):
        response = client.post("/tai-khoan/doi-mat-khau/", data)
        assert response.status_code == 200
        assert MESSAGE in response.content.decode()
    _never_long(hashed)
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_registration_refuses_a_megabyte_password(client, hashed):
    from congso.accounts.models import User

    response = client.post(
        "/dich-vu-cong/dang-ky/",
        {
            "kind": "citizen",
            "full_name": "Trần Văn Cường",
            "login": "cuong@example.vn",
            "identity_number": "001090054321",
            "password1": MEGABYTE,
            "password2": MEGABYTE,
        },
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not User.objects.filter(email="cuong@example.vn").exists()
    _never_long(hashed)


def test_validate_password_bounds_a_new_password():
    fitting = "Rừng-thông-" + "x" * (MAX_PASSWORD_LENGTH - 11)
    validate_password(fitting)  # 128 characters pass
    with pytest.raises(ValidationError) as caught:
        validate_password(fitting + "y")
    assert MESSAGE in caught.value.messages


def test_a_megabyte_pin_is_refused_unhashed_and_not_counted(demo_org, hashed):
    leader = demo_org.user("lanhdao.tx")
    pins.signer_pin_set(user=leader, pin="284716")
    hashed.clear()
    for pin in ("1" * 1_000_000, "28471600000"):
        with pytest.raises(ValidationError, match="6 đến 8 chữ số"):
            pins.signer_pin_check(user=leader, pin=pin)
    assert hashed == []
    assert SignerPin.objects.get(user=leader).failed_attempts == 0
    pins.signer_pin_check(user=leader, pin="284716")  # the right one still works
