from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("phan-anh/", views.queue, name="queue"),
    path("phan-anh/thong-ke/", views.stats, name="stats"),
    path("phan-anh/pakn/<str:code>/", views.detail, name="detail"),
    path("phan-anh/pakn/<str:code>/<slug:action>/", views.act, name="act"),
    path("gop-y/gui/", views.submit, name="submit"),
    path("gop-y/xac-minh/<str:reference>/", views.verify, name="verify"),
    path("gop-y/tra-cuu/", views.status, name="status"),
    path("gop-y/danh-gia/", views.rate, name="rate"),
    path("dich-vu-cong/phan-anh-kien-nghi/", views.eservices_form, name="eservices_form"),
]
