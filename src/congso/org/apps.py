from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "congso.org"
    label = "org"
    verbose_name = "Tổ chức, cán bộ"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .models import RoleAssignment, Staff, Unit
        from .selectors import roles_changed, user_changed

        for model in (RoleAssignment, Staff, Unit):
            post_save.connect(
                roles_changed, sender=model, dispatch_uid=f"org-roles-{model.__name__}"
            )
            post_delete.connect(
                roles_changed, sender=model, dispatch_uid=f"org-roles-del-{model.__name__}"
            )
        # Cached staff rows and tokens carry their user; a login's last_login stamp is no change.
        user_model = get_user_model()
        post_save.connect(user_changed, sender=user_model, dispatch_uid="org-roles-user")
        post_delete.connect(roles_changed, sender=user_model, dispatch_uid="org-roles-del-user")
