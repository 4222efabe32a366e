from django.urls import path

from . import health, views

app_name = "core"
urlpatterns = [
    path("", views.index, name="index"),
    path("lam-viec/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("ping", views.ping, name="ping"),
]
