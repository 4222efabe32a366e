from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Cán bộ, công chức")
    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class User(AbstractUser):
    """One login for everybody: officers (see org.Staff for their units and roles),
    citizens and organisations (see eservices for their profiles)."""

    kind = models.CharField(
        _("loại tài khoản"), max_length=16, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, db_index=True)

    objects: UserManager[User] = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        return self.kind == AccountKind.STAFF


class UserSession(models.Model):
    """One signed-in browser of a user, so the user can see and end it (ASVS 3.3.4, issue 11.16).

    Django's session stores cannot be listed per user, so each login writes one row here and
    ``congso.accounts.sessions`` keeps it: ``sid_hash`` is the SHA-256 of a random id kept inside
    the session (it survives the key rotation of a password change); ``sealed_key`` is the
    session key encrypted with a key derived from SECRET_KEY, so ending a session can delete it
    from a server-side store at once. A session whose row is gone is logged out on its next
    request that records activity (at most one minute later), whatever the session engine.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("tài khoản")
    )
    sid_hash = models.CharField(max_length=64, unique=True)
    sealed_key = models.TextField(blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("đăng nhập lúc"))
    last_seen_at = models.DateTimeField(_("hoạt động gần nhất"))

    objects: models.Manager[UserSession] = models.Manager()

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")
        indexes = [
            models.Index(fields=["user", "-last_seen_at"], name="accounts_session_user_seen")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.ip_address or '-'}"
