from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<slug:slug>/", views.detail, name="detail"),
    path("thu-tuc/<slug:slug>/bieu-mau/<int:paper_id>/", views.form_download, name="form_download"),
    path("quan-ly/danh-muc-thu-tuc/", views.catalogue_admin, name="catalogue_admin"),
    path("quan-ly/danh-muc-thu-tuc/xuat/", views.catalogue_download, name="catalogue_export"),
    path("quan-ly/danh-muc-thu-tuc/nhap-quoc-gia/", views.national_upload, name="national_upload"),
    path("quan-ly/danh-muc-thu-tuc/can-xem-lai/", views.national_review, name="national_review"),
]
