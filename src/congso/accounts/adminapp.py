"""Django's admin app with CongSo's admin site (kept apart: INSTALLED_APPS imports this module
before the models are ready)."""

from django.contrib.admin.apps import AdminConfig


class CongSoAdminConfig(AdminConfig):
    default_site = "congso.accounts.admin_site.VerifiedAdminSite"
