"""Password rules beyond Django's own (ASVS level 2: at least 12 characters, at most 128).

The upper bound (ASVS 4.0 V2.1.2: 64 characters allowed, more than 128 refused) keeps a
megabyte typed into a password field from being hashed or compared at all: every form with a
password field refuses it with a Vietnamese message (``limit_password_fields``), the login
backend never hashes it (``congso.accounts.backends``) and ``validate_password`` refuses it
as a new password (``MaximumLengthValidator``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import MinimumLengthValidator as _Base
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

MAX_PASSWORD_LENGTH = 128

TOO_LONG = _("Mật khẩu dài quá: tối đa %(limit_value)d ký tự.")


def password_too_long(password: str | None) -> bool:
    return password is not None and len(password) > MAX_PASSWORD_LENGTH


class MaximumLengthValidator:
    """A new password longer than ``MAX_PASSWORD_LENGTH`` is refused (first in
    AUTH_PASSWORD_VALIDATORS, so the others see it only as well)."""

    def validate(self, password: str, user: Any = None) -> None:
        if password_too_long(password):
            raise ValidationError(
                str(TOO_LONG) % {"limit_value": MAX_PASSWORD_LENGTH},
                code="password_too_long",
                params={"limit_value": MAX_PASSWORD_LENGTH},
            )

    def get_help_text(self) -> str:
        return _g("Mật khẩu không được dài quá %(n)d ký tự.") % {"n": MAX_PASSWORD_LENGTH}


def limit_password_fields(form: forms.BaseForm) -> None:
    """Every password field of ``form`` bounded by ``MAX_PASSWORD_LENGTH``: the browser stops
    typing there (``maxlength``) and the form refuses longer text in Vietnamese before any
    ``clean_*`` compares or hashes it (Django's fields run their validators first)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and isinstance(field.widget, forms.PasswordInput):
            field.max_length = MAX_PASSWORD_LENGTH
            field.widget.attrs["maxlength"] = str(MAX_PASSWORD_LENGTH)
            validator = MaxLengthValidator(MAX_PASSWORD_LENGTH, message=TOO_LONG)
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ] + [validator]


class MinimumLengthValidator(_Base):
    """Django's length rule with its message in Vietnamese (Django's Vietnamese catalogue has
    no translation of the plural message)."""

    def __init__(self, min_length: int = 12) -> None:
        super().__init__(min_length=min_length)

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _g("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.")
                % {"min_length": self.min_length},
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return _g("Mật khẩu phải có ít nhất %(min_length)d ký tự.") % {
            "min_length": self.min_length
        }
