from django.apps import AppConfig


class CountersConfig(AppConfig):
    name = "congso.counters"
    label = "counters"
    verbose_name = "Xếp hàng, bảng hiển thị, đánh giá tại quầy"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (the rules of this app, as data)
