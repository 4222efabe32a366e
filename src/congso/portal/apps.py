from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "congso.portal"
    label = "portal"
    verbose_name = "Cổng thông tin điện tử"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
        from congso.org.services import register_merge_handler

        from .services import portal_on_merge

        register_merge_handler("portal", portal_on_merge)
