from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "congso.procedures"
    label = "procedures"
    verbose_name = "Thủ tục hành chính"

    def ready(self) -> None:
        from congso.org.services import register_merge_handler

        from .services import procedures_move_on_merge

        # When wards merge (2025 reform), the successor receives what the old ward received.
        register_merge_handler("procedures", procedures_move_on_merge)
