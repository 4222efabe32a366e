from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("bang-dieu-hanh/", views.dashboard, name="dashboard"),
    path("bang-dieu-hanh/ho-so/", views.dossiers, name="dossiers"),
    path("bang-dieu-hanh/chi-so-766/", views.index_page, name="index766"),
    path("bang-dieu-hanh/bao-cao-tthc/", views.periodic_report, name="periodic_report"),
]
