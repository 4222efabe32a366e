from django.apps import AppConfig


class EservicesConfig(AppConfig):
    name = "congso.eservices"
    label = "eservices"
    verbose_name = "Dịch vụ công trực tuyến"

    def ready(self) -> None:
        from congso.org.services import register_merge_handler

        from .services import drafts_move_on_merge
        from .submission import register_paid_hook

        register_merge_handler("eservices", drafts_move_on_merge)
        register_paid_hook()
