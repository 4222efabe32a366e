from django.apps import AppConfig


class EservicesConfig(AppConfig):
    name = "congso.eservices"
    label = "eservices"
    verbose_name = "Dịch vụ công trực tuyến"
