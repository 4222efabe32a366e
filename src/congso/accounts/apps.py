from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "congso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
