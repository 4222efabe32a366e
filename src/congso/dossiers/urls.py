from django.urls import path

from . import desk_views, stats_views, views

app_name = "dossiers"

urlpatterns = [
    path("mot-cua/", desk_views.home, name="home"),
    path("mot-cua/moi-den/", desk_views.arrivals, name="arrivals"),
    path("mot-cua/chuyen-nhieu/", desk_views.bulk, name="bulk"),
    path("mot-cua/tiep-nhan/", views.intake, name="intake"),
    path("mot-cua/tiep-nhan/tim-thu-tuc/", views.intake_search, name="intake_search"),
    path("mot-cua/tiep-nhan/nguoi-nop/", views.intake_applicant, name="intake_applicant"),
    path("mot-cua/hang-doi/", views.queue, name="queue"),
    path("mot-cua/lien-thong/", desk_views.forwarded, name="forwarded"),
    path("mot-cua/so-theo-doi/", views.register, name="register"),
    path("mot-cua/thong-ke/", stats_views.stats_page, name="stats"),
    path("mot-cua/thong-ke/ho-so/", stats_views.stats_dossiers, name="stats_dossiers"),
    path("mot-cua/ho-so/<str:ref>/", views.detail, name="detail"),
    path("mot-cua/ho-so/<str:ref>/mau-<int:number>.pdf", views.form_pdf, name="form_pdf"),
    path("mot-cua/ho-so/<str:ref>/danh-gia/", views.rate_counter, name="rate_counter"),
    path("mot-cua/ho-so/<str:ref>/tep/<int:pk>/", views.attachment, name="attachment"),
    path("mot-cua/ho-so/<str:ref>/bo-sung/<int:pk>/", views.reply_file, name="reply_file"),
    path("mot-cua/ho-so/<str:ref>/<slug:action>/", views.act, name="act"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/danh-gia/", views.rate_online, name="rate_online"),
]
