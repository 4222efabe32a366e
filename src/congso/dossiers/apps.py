from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "congso.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self) -> None:
        from congso.org.services import register_merge_handler

        from .merge import move_open_dossiers

        register_merge_handler("dossiers", move_open_dossiers)
