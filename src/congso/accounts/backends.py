from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class EmailOrPhoneBackend(ModelBackend):
    """Log in with the user name, the e-mail address or the phone number."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        candidates = User.objects.filter(
            Q(username__iexact=login) | Q(email__iexact=login) | Q(phone=login)
        ).order_by("pk")[:2]
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        if not candidates:
            # Spend the same time as a real check so timing does not reveal which logins exist.
            User().set_password(password)
        return None
