from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("van-ban-den/", views.incoming_list_view, name="incoming_list"),
    path("van-ban-den/vao-so/", views.incoming_register_view, name="incoming_register"),
    path("van-ban-den/nhan-edxml/", views.edxml_import_view, name="edxml_import"),
    path("van-ban-den/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("van-ban-den/<int:pk>/trinh/", views.incoming_present_view, name="incoming_present"),
    path("van-ban-den/<int:pk>/chi-dao/", views.incoming_direct_view, name="incoming_direct"),
    path("van-ban-den/<int:pk>/tien-do/", views.incoming_progress_view, name="incoming_progress"),
    path(
        "van-ban-den/<int:pk>/hoan-thanh/", views.incoming_complete_view, name="incoming_complete"
    ),
    path("van-ban-den/<int:pk>/tu-choi/", views.incoming_refuse_view, name="incoming_refuse"),
    path(
        "van-ban-den/<int:pk>/tra-loi-thu-hoi/",
        views.incoming_recall_answer_view,
        name="incoming_recall_answer",
    ),
    path("van-ban-den/<int:pk>/luu-ho-so/", views.incoming_file_view, name="incoming_file"),
    path("van-ban/tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("van-ban-di/", views.outgoing_list_view, name="outgoing_list"),
    path("van-ban-di/du-thao/", views.outgoing_create_view, name="outgoing_create"),
    path("van-ban-di/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("van-ban-di/<int:pk>/trinh-duyet/", views.outgoing_submit_view, name="outgoing_submit"),
    path("van-ban-di/<int:pk>/duyet/", views.outgoing_review_view, name="outgoing_review"),
    path("van-ban-di/<int:pk>/ky-so/", views.outgoing_sign_view, name="outgoing_sign"),
    path("van-ban-di/<int:pk>/phat-hanh/", views.outgoing_issue_view, name="outgoing_issue"),
    path("van-ban-di/<int:pk>/thu-hoi/", views.outgoing_recall_view, name="outgoing_recall"),
    path("van-ban-di/<int:pk>/tep/<str:which>/", views.outgoing_file, name="outgoing_file"),
    path(
        "van-ban-di/<int:pk>/edxml/<int:recipient_pk>/", views.outgoing_edxml, name="outgoing_edxml"
    ),
    path("ho-so-cong-viec/", views.work_file_list, name="work_files"),
    path("ho-so-cong-viec/<int:pk>/", views.work_file_detail, name="work_file_detail"),
    path("so-van-ban/", views.register_view, name="registers"),
]
