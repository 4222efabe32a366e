from django.urls import path

from . import feeds, views

app_name = "portal"
urlpatterns = [
    path("bien-tap-dang-nhap/", views.admin_login, name="admin_login"),
    path("cong/<slug:site>/van-ban/<int:pk>/tep/", views.document_file, name="document_file"),
    path("cong/<slug:site>/so-do-cong/", views.site_map, name="site_map"),
    path("cong/<slug:site>/sitemap.xml", feeds.sitemap, name="sitemap"),
    path("cong/<slug:site>/rss/<path:path>", feeds.SectionFeed(), name="rss"),
    path("cong/<slug:site>/", views.serve, name="home"),
    path("cong/<slug:site>/<path:path>", views.serve, name="page"),
]
