"""Citizen and organisation accounts: registration, verification codes, password reset."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from congso.accounts import security, throttle
from congso.accounts.logins import PHONE_RE, normalise_phone
from congso.accounts.models import AccountKind, User
from congso.accounts.services import password_changed_notify
from congso.audit.services import audit_record
from congso.notify.services import notify_queue

from .models import Channel, CitizenProfile, CodePurpose, VerificationCode


def classify_login(value: str) -> tuple[Channel, str]:
    """Whether a login is an e-mail address or a phone number, normalised; ValidationError if neither."""
    value = (value or "").strip()
    if "@" in value:
        from django.core.validators import validate_email

        validate_email(value)
        return Channel.EMAIL, value.lower()
    phone = normalise_phone(value)
    if PHONE_RE.match(phone):
        return Channel.SMS, phone
    raise ValidationError(
        _("Nhập địa chỉ e-mail hoặc số điện thoại di động (10 chữ số)."), code="login"
    )


def find_account(login: str) -> User | None:
    try:
        channel, value = classify_login(login)
    except ValidationError:
        return None
    field = Q(email__iexact=value) if channel == Channel.EMAIL else Q(phone=value)
    return User.objects.filter(field).exclude(kind=AccountKind.STAFF).order_by("pk").first()


def _hash_code(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


CODES_PER_HOUR = 5
HOUR = 3600
MAX_CODE_MINUTES = 10


def code_minutes() -> int:
    """How long a code lives: CONGSO_VERIFY_CODE_MINUTES, never more than 10 (issue 11.6)."""
    return max(1, min(int(settings.CONGSO_VERIFY_CODE_MINUTES), MAX_CODE_MINUTES))


RATE_MESSAGE = _("Có quá nhiều yêu cầu. Vui lòng thử lại sau một giờ.")


def _refuse_if_busy(scope: str, client: str, *, per_client: int, overall: int) -> None:
    """Refuse (code "rate") when this client address or everybody together already made
    ``per_client`` / ``overall`` such requests in the last hour; otherwise count this one.
    The same answer for every account, known or not. Counters are in the shared cache."""
    busy = (bool(client) and throttle.exceeded(scope, client, limit=per_client, window=HOUR)) or (
        throttle.exceeded(scope, "*", limit=overall, window=HOUR)
    )
    if busy:
        security.event("code.refused", None, scope=scope, ip=client or "-")
        raise ValidationError(RATE_MESSAGE, code="rate")
    if client:
        throttle.hit(scope, client, window=HOUR)
    throttle.hit(scope, "*", window=HOUR)


def _refuse_requests(client: str) -> None:
    """Code requests (registration, resend, reset): each may cost an SMS."""
    _refuse_if_busy(
        "code-request",
        client,
        per_client=settings.CONGSO_CODE_REQUESTS_PER_ADDRESS,
        overall=settings.CONGSO_CODE_REQUESTS_PER_HOUR,
    )


def _refuse_guesses(client: str) -> None:
    """Code checks: every try counts, right or wrong, so guessing across accounts is bounded."""
    _refuse_if_busy(
        "code-check",
        client,
        per_client=settings.CONGSO_CODE_CHECKS_PER_ADDRESS,
        overall=settings.CONGSO_CODE_CHECKS_PER_HOUR,
    )


def _too_many_codes(user: User) -> bool:
    """Codes cost SMS money and annoy the owner: at most CODES_PER_HOUR per account."""
    since = timezone.now() - dt.timedelta(hours=1)
    return (
        VerificationCode.objects.filter(user=user, created_at__gte=since).count() >= CODES_PER_HOUR
    )


def _send_code(user: User, *, purpose: str, channel: str, destination: str) -> VerificationCode:
    if _too_many_codes(user):
        raise ValidationError(
            _("Bạn đã yêu cầu quá nhiều mã xác thực. Vui lòng thử lại sau một giờ."), code="rate"
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    # Older unused codes for the same purpose stop working: only the latest counts.
    VerificationCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    minutes = code_minutes()
    row = VerificationCode.objects.create(
        user=user,
        purpose=purpose,
        channel=channel,
        destination=destination,
        code_hash=_hash_code(code),
        expires_at=timezone.now() + dt.timedelta(minutes=minutes),
    )
    if purpose == CodePurpose.REGISTER:
        text = _g("Mã xác thực tài khoản Công sở số của bạn là %(code)s (hiệu lực %(m)s phút).")
    else:
        text = _g("Mã đặt lại mật khẩu Công sở số của bạn là %(code)s (hiệu lực %(m)s phút).")
    message = text % {"code": code, "m": minutes}
    # Through the notification outbox like every other message, in this transaction: sent
    # after the commit (at once, as an urgent task, when a worker delivers), retried with
    # backoff on a gateway failure, never after the code expired, and the code blanked out of
    # the stored copy once sent.
    notify_queue(
        event=f"account.code_{purpose}",
        reference=str(user.pk),
        email=destination if channel == Channel.EMAIL else "",
        phone=destination if channel == Channel.SMS else "",
        subject=_g("Mã xác thực Công sở số"),
        body=message,
        urgent=True,
        expires_at=row.expires_at,
        secret=code,
    )
    return row


@transaction.atomic
def citizen_register(
    *,
    login: str,
    password: str,
    full_name: str,
    kind: str = AccountKind.CITIZEN,
    identity_number: str = "",
    tax_code: str = "",
    organisation_name: str = "",
    client: str = "",
) -> User:
    """Create an inactive citizen/organisation account and send its verification code.

    The account can log in only after the code is confirmed (citizen_verify). Every attempt
    counts against the code-request limits before "already used" can be answered, so the
    registration form cannot be used to test thousands of addresses.
    """
    channel, value = classify_login(login)
    if kind not in (AccountKind.CITIZEN, AccountKind.ORGANISATION):
        raise ValidationError(_("Loại tài khoản không hợp lệ."))
    _refuse_requests(client)
    if find_account(value) is not None or User.objects.filter(username__iexact=value).exists():
        security.event("register.taken", None, ip=client or "-")
        raise ValidationError(
            _("E-mail hoặc số điện thoại này đã được dùng cho một tài khoản khác."), code="taken"
        )
    user = User(username=value, kind=kind, full_name=full_name.strip(), is_active=False)
    if channel == Channel.EMAIL:
        user.email = value
    else:
        user.phone = value
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    profile = CitizenProfile(
        user=user,
        identity_number=identity_number,
        tax_code=tax_code,
        organisation_name=organisation_name,
    )
    if kind == AccountKind.ORGANISATION and not tax_code:
        raise ValidationError({"tax_code": _("Tổ chức, doanh nghiệp phải có mã số thuế.")})
    profile.full_clean(exclude=["user"])
    profile.save()
    _send_code(user, purpose=CodePurpose.REGISTER, channel=channel, destination=value)
    audit_record(actor=None, action="citizen.register", target=user, data={"channel": channel})
    return user


EXPIRED = _("Mã xác thực đã hết hạn hoặc không tồn tại. Hãy yêu cầu mã mới.")
TOO_MANY = _("Đã nhập sai quá số lần cho phép. Hãy yêu cầu mã mới.")
WRONG = _("Mã xác thực không đúng.")


def _check_code(user: User, purpose: str, code: str, *, consume: bool = True) -> VerificationCode:
    row = (
        VerificationCode.objects.select_for_update()
        .filter(user=user, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if row is None or row.expires_at <= timezone.now():
        raise ValidationError(EXPIRED, code="expired")
    if row.attempts >= settings.CONGSO_VERIFY_CODE_ATTEMPTS:
        raise ValidationError(TOO_MANY, code="attempts")
    if not hmac.compare_digest(row.code_hash, _hash_code((code or "").strip())):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        raise ValidationError(WRONG, code="wrong")
    if consume:
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
    return row


# A reset asked for a login without an account gets a stand-in code state in the shared cache
# (never a code anyone could know), so its answers follow the same sequence as a real account:
# "wrong" five times, then "too many", and "expired" after the code's lifetime.
_GHOST = "congso:reset-ghost:"


def _ghost_key(value: str) -> str:
    return _GHOST + hashlib.sha256(value.encode()).hexdigest()[:32]


def _ghost_start(value: str) -> None:
    # Like a real account, at most CODES_PER_HOUR fresh codes an hour: later requests leave
    # the current state (and its wrong tries) as it is.
    if throttle.hit("reset-ghost", value, window=HOUR) > CODES_PER_HOUR:
        return
    expires = timezone.now() + dt.timedelta(minutes=code_minutes())
    cache.set(
        _ghost_key(value),
        {"attempts": 0, "expires": expires.timestamp()},
        timeout=code_minutes() * 60,
    )


def _ghost_check(value: str) -> ValidationError:
    state = cache.get(_ghost_key(value))
    if state is None or state["expires"] <= timezone.now().timestamp():
        return ValidationError(EXPIRED, code="expired")
    if state["attempts"] >= settings.CONGSO_VERIFY_CODE_ATTEMPTS:
        return ValidationError(TOO_MANY, code="attempts")
    state["attempts"] += 1
    remaining = max(1, int(state["expires"] - timezone.now().timestamp()))
    cache.set(_ghost_key(value), state, timeout=remaining)
    return ValidationError(WRONG, code="wrong")


def citizen_verify(*, user: User, code: str, client: str = "") -> User:
    """Confirm the registration code: activates the account and marks the channel verified.

    A wrong code is counted even though the call fails, so the count survives the error.
    """
    _refuse_guesses(client)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        failure: ValidationError | None = None
        try:
            row = _check_code(user, CodePurpose.REGISTER, code)
        except ValidationError as exc:
            failure = exc
        else:
            user.is_active = True
            user.save(update_fields=["is_active"])
            profile = CitizenProfile.objects.get(user=user)
            if row.channel == Channel.EMAIL:
                profile.email_verified = True
            else:
                profile.phone_verified = True
            profile.save(update_fields=["email_verified", "phone_verified"])
            audit_record(
                actor=user, action="citizen.verify", target=user, data={"channel": row.channel}
            )
    if failure is not None:
        security.event("code.failed", None, purpose="register", user=user.pk, ip=client or "-")
        raise failure
    return user


@transaction.atomic
def citizen_resend_code(
    *, user: User, purpose: str = CodePurpose.REGISTER, client: str = ""
) -> None:
    """Send a fresh code (the previous one stops working)."""
    _refuse_requests(client)
    channel, value = (Channel.EMAIL, user.email) if user.email else (Channel.SMS, user.phone)
    _send_code(user, purpose=purpose, channel=channel, destination=value)


@transaction.atomic
def password_reset_request(*, login: str, client: str = "") -> User | None:
    """Send a reset code to an existing citizen account. The answer is the same whether or
    not one exists (no account enumeration): nothing is said, or the same rate refusal."""
    _refuse_requests(client)
    user = find_account(login)
    channel, value = classify_login(login)
    if user is None:
        _ghost_start(value)
        return None
    if _too_many_codes(user):
        return None
    _send_code(user, purpose=CodePurpose.RESET, channel=channel, destination=value)
    audit_record(actor=None, action="citizen.password_reset_request", target=user)
    return user


def password_reset_confirm(*, login: str, code: str, password: str, client: str = "") -> User:
    """Set a new password after checking the reset code, and tell the owner it was done.

    Known and unknown logins answer alike: the password rules are checked against the login
    itself first (the same for both), then the code (a stand-in state for an unknown login).
    """
    _refuse_guesses(client)
    channel, value = classify_login(login)
    stand_in = User(username=value, email=value if channel == Channel.EMAIL else "")
    password_validation.validate_password(password, stand_in)
    user = find_account(value)
    if user is None:
        security.event("code.failed", None, purpose="reset", ip=client or "-")
        raise _ghost_check(value)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        failure: ValidationError | None = None
        try:
            # The full rules (similarity with the name too) are told only once the code is
            # known right, and then the code stays usable for a better password.
            weak: ValidationError | None = None
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                weak = exc
            row = _check_code(user, CodePurpose.RESET, code, consume=weak is None)
            if weak is not None:
                raise weak
        except ValidationError as exc:
            failure = exc
        else:
            user.set_password(password)
            # Proving control of the address also verifies it.
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            profile, _created = CitizenProfile.objects.get_or_create(user=user)
            if row.channel == Channel.EMAIL:
                profile.email_verified = True
            else:
                profile.phone_verified = True
            profile.save()
            audit_record(actor=user, action="citizen.password_reset", target=user)
            password_changed_notify(user=user, how="reset")
    if failure is not None:
        if getattr(failure, "code", None) in ("wrong", "expired", "attempts"):
            security.event("code.failed", None, purpose="reset", ip=client or "-")
        raise failure
    return user
