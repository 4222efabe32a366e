from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "congso.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self) -> None:
        from congso.org.services import register_merge_handler

        from .merge import move_open_dossiers

        register_merge_handler("dossiers", move_open_dossiers)

        from django.db.models.signals import post_delete, post_save

        from congso.org.selectors import roles_changed

        from .models import ApiToken

        # Bearer tokens are kept in the shared cache under the organisation's generation.
        post_save.connect(roles_changed, sender=ApiToken, dispatch_uid="dossiers-token-save")
        post_delete.connect(roles_changed, sender=ApiToken, dispatch_uid="dossiers-token-delete")
