from django.urls import path

from . import export_views, health, metrics, views

app_name = "core"
urlpatterns = [
    path("", views.index, name="index"),
    path("lam-viec/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("ping", views.ping, name="ping"),
    path("tep-xuat/", export_views.export_list, name="exports"),
    path("tep-xuat/<uuid:pk>/", export_views.export_detail, name="export"),
    path("tep-xuat/<uuid:pk>/tai-ve/", export_views.export_download, name="export_download"),
    path("tep-xuat/<uuid:pk>/tao-lai/", export_views.export_restart, name="export_restart"),
]
