from django.urls import path

from . import eid_provider, views

app_name = "eservices"
urlpatterns = [
    path("dich-vu-cong/", views.home, name="home"),
    path("dich-vu-cong/nop/<slug:slug>/", views.start, name="start"),
    path("dich-vu-cong/ho-so-nhap/<str:public_id>/", views.draft, name="draft"),
    path(
        "dich-vu-cong/ho-so-nhap/<str:public_id>/tep/<int:pk>/",
        views.draft_attachment,
        name="draft_attachment",
    ),
    path("dich-vu-cong/ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("dich-vu-cong/ho-so-cua-toi/<int:pk>/", views.my_dossier, name="my_dossier"),
    path("dich-vu-cong/ho-so-cua-toi/<int:pk>/ket-qua.pdf", views.result_download, name="result"),
    path("dich-vu-cong/dang-nhap/", views.CitizenLoginView.as_view(), name="login"),
    path("dich-vu-cong/dang-ky/", views.register, name="register"),
    path("dich-vu-cong/xac-thuc/", views.verify, name="verify"),
    path("dich-vu-cong/quen-mat-khau/", views.reset_request, name="reset_request"),
    path("dich-vu-cong/dat-lai-mat-khau/", views.reset_confirm, name="reset_confirm"),
    path("dich-vu-cong/vneid/", views.eid_begin, name="eid_begin"),
    path("dich-vu-cong/vneid/ket-qua/", views.eid_callback, name="eid_callback"),
    path("dich-vu-cong/thanh-toan/ket-qua/", views.payment_return, name="payment_return"),
    path("dich-vu-cong/thanh-toan/<str:order_ref>/", views.payment_start, name="payment_start"),
    path(
        "dich-vu-cong/thanh-toan/<str:order_ref>/bien-lai.pdf",
        views.payment_receipt,
        name="payment_receipt",
    ),
    # Development and test stand-ins (404 unless enabled in settings).
    path("sandbox-thanh-toan/", views.sandbox_gateway, name="sandbox_gateway"),
    path("eid-thu-nghiem/authorize", eid_provider.authorize, name="eid_test_authorize"),
    path("eid-thu-nghiem/token", eid_provider.token, name="eid_test_token"),
    path("eid-thu-nghiem/jwks", eid_provider.jwks, name="eid_test_jwks"),
]
