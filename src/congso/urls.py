from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from congso.api.api import api
from congso.core.ratelimit import limit_posts
from congso.dossiers import lookup as dossiers_lookup

# Wagtail's shared-password forms (a protected portal page, a protected document collection)
# have no lock-out: guesses per client address are limited like the lookup (issue 11).
PASSWORD_FORM_LIMIT = (10, 600)  # tries, seconds (sliding window)


def _password_limited(patterns: list, name: str) -> list:  # type: ignore[type-arg]
    """``patterns`` with the view of the pattern called ``name`` rate-limited for POSTs."""
    return [
        URLPattern(
            p.pattern, limit_posts(name, *PASSWORD_FORM_LIMIT)(p.callback), p.default_args, p.name
        )
        if isinstance(p, URLPattern) and p.name == name
        else p
        for p in patterns
    ]


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
    # The portal's editorial admin (Wagtail, issue 15) and its document downloads.
    path("bien-tap/", include(wagtailadmin_urls)),
    path(
        "tai-lieu-cong/",
        include(
            _password_limited(
                wagtaildocs_urls.urlpatterns, "wagtaildocs_authenticate_with_password"
            )
        ),
    ),
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
    ("congso.portal.urls", ""),
    ("congso.counters.urls", ""),
    ("congso.dashboard.urls", ""),
    ("congso.feedback.urls", ""),
]
for module_name, prefix in APP_URLS:
    try:
        import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    urlpatterns.append(path(prefix, include(module_name)))

# Wagtail's password form for a protected page; its own login and its catch-all page server are not
# mounted: portal pages are served under /cong/<site>/ (congso.portal.urls, ADR 0110).
urlpatterns += [
    path(
        "_wagtail/",
        include(
            _password_limited(
                [
                    p
                    for p in wagtail_urls.urlpatterns
                    if p.name == "wagtailcore_authenticate_with_password"  # type: ignore[union-attr]
                ],
                "wagtailcore_authenticate_with_password",
            )
        ),
    ),
    path(
        "_wagtail/dang-nhap/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="wagtailcore_login",
    ),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
