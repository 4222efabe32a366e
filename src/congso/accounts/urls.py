from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("phien-dang-nhap/", views.sessions_view, name="sessions"),
    path("phien-dang-nhap/ket-thuc/", views.sessions_end_view, name="sessions_end"),
    path("xac-thuc-hai-buoc/", views.otp_setup_view, name="otp_setup"),
    path("xac-thuc-hai-buoc/kiem-tra/", views.otp_verify_view, name="otp_verify"),
    path("doi-mat-khau/xong/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
