from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "congso.search"
    label = "search"
    verbose_name = "Tìm kiếm"
