from django.urls import path

from . import health, metrics, views

app_name = "core"
urlpatterns = [
    path("", views.index, name="index"),
    path("lam-viec/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("ping", views.ping, name="ping"),
]
