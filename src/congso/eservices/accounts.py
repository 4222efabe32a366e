"""Citizen and organisation accounts: registration, verification codes, password reset."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from congso.accounts.logins import PHONE_RE, normalise_phone
from congso.accounts.models import AccountKind, User
from congso.audit.services import audit_record

from .messaging import send_email, send_sms
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
    row = VerificationCode.objects.create(
        user=user,
        purpose=purpose,
        channel=channel,
        destination=destination,
        code_hash=_hash_code(code),
        expires_at=timezone.now() + dt.timedelta(minutes=settings.CONGSO_VERIFY_CODE_MINUTES),
    )
    minutes = settings.CONGSO_VERIFY_CODE_MINUTES
    if purpose == CodePurpose.REGISTER:
        text = _g("Mã xác thực tài khoản Công sở số của bạn là %(code)s (hiệu lực %(m)s phút).")
    else:
        text = _g("Mã đặt lại mật khẩu Công sở số của bạn là %(code)s (hiệu lực %(m)s phút).")
    message = text % {"code": code, "m": minutes}

    def deliver() -> None:
        if channel == Channel.EMAIL:
            send_email(destination, _g("Mã xác thực Công sở số"), message)
        else:
            send_sms(destination, message)

    transaction.on_commit(deliver)
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
) -> User:
    """Create an inactive citizen/organisation account and send its verification code.

    The account can log in only after the code is confirmed (citizen_verify).
    """
    channel, value = classify_login(login)
    if kind not in (AccountKind.CITIZEN, AccountKind.ORGANISATION):
        raise ValidationError(_("Loại tài khoản không hợp lệ."))
    if find_account(value) is not None or User.objects.filter(username__iexact=value).exists():
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


def _check_code(user: User, purpose: str, code: str) -> VerificationCode:
    row = (
        VerificationCode.objects.select_for_update()
        .filter(user=user, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if row is None or row.expires_at <= timezone.now():
        raise ValidationError(
            _("Mã xác thực đã hết hạn hoặc không tồn tại. Hãy yêu cầu mã mới."), code="expired"
        )
    if row.attempts >= settings.CONGSO_VERIFY_CODE_ATTEMPTS:
        raise ValidationError(
            _("Đã nhập sai quá số lần cho phép. Hãy yêu cầu mã mới."), code="attempts"
        )
    if not hmac.compare_digest(row.code_hash, _hash_code((code or "").strip())):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        raise ValidationError(_("Mã xác thực không đúng."), code="wrong")
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return row


def citizen_verify(*, user: User, code: str) -> User:
    """Confirm the registration code: activates the account and marks the channel verified.

    A wrong code is counted even though the call fails, so the count survives the error.
    """
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
        raise failure
    return user


@transaction.atomic
def citizen_resend_code(*, user: User, purpose: str = CodePurpose.REGISTER) -> None:
    """Send a fresh code (the previous one stops working)."""
    channel, value = (Channel.EMAIL, user.email) if user.email else (Channel.SMS, user.phone)
    _send_code(user, purpose=purpose, channel=channel, destination=value)


@transaction.atomic
def password_reset_request(*, login: str) -> User | None:
    """Send a reset code to an existing citizen account; silent when none exists (no account
    enumeration)."""
    user = find_account(login)
    if user is None or _too_many_codes(user):
        return None
    channel, value = classify_login(login)
    _send_code(user, purpose=CodePurpose.RESET, channel=channel, destination=value)
    audit_record(actor=None, action="citizen.password_reset_request", target=user)
    return user


def password_reset_confirm(*, login: str, code: str, password: str) -> User:
    """Set a new password after checking the reset code."""
    user = find_account(login)
    if user is None:
        raise ValidationError(_("Mã xác thực không đúng."), code="wrong")
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        failure: ValidationError | None = None
        try:
            row = _check_code(user, CodePurpose.RESET, code)
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
    if failure is not None:
        raise failure
    return user
