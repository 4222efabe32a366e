"""Password rules beyond Django's own (ASVS level 2: at least 12 characters)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator as _Base
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g


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
