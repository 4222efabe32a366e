from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from congso.api.api import api
from congso.dossiers import lookup as dossiers_lookup

admin.site.site_header = "CongSo — Quản trị hệ thống"
admin.site.site_title = "CongSo"
admin.site.index_title = "Quản trị"

urlpatterns: list[URLPattern | URLResolver] = [
    # The public dossier lookup, the busiest endpoint, ahead of everything (issue #6); the ninja
    # operation at the same address documents it and answers malformed requests.
    path("api/v1/dossiers/lookup", dossiers_lookup.lookup_view),
    path("", include("congso.core.urls")),
    path("tai-khoan/", include("congso.accounts.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Each domain mounts its pages if it has a urls module (domains are built in parallel).
APP_URLS = [
    ("congso.procedures.urls", ""),
    ("congso.dossiers.urls", ""),
    ("congso.eservices.urls", ""),
    ("congso.documents.urls", ""),
    ("congso.calendar.urls", ""),
    ("congso.org.urls", ""),
    ("congso.signing.urls", ""),
]
for module_name, prefix in APP_URLS:
    try:
        import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    urlpatterns.append(path(prefix, include(module_name)))

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
