from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("ky-so/ma-pin/", views.pin_settings, name="pin"),
]
