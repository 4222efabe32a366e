from django.urls import path

from . import views

app_name = "counters"

urlpatterns = [
    # Devices: a device token (cookie or X-Device-Token), no person.
    path("thiet-bi/", views.activate, name="activate"),
    path("thiet-bi/lay-so/", views.kiosk, name="kiosk"),
    path("thiet-bi/lay-so/phieu/<str:key>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("thiet-bi/bang/", views.board, name="board"),
    path("thiet-bi/bang/trang-thai/", views.board_state, name="board_state"),
    path("thiet-bi/bang/su-kien/", views.board_events, name="board_events"),
    path("thiet-bi/am-thanh/<slug:name>.wav", views.clip, name="clip"),
    path("thiet-bi/danh-gia/", views.terminal, name="terminal"),
    path("thiet-bi/danh-gia/trang-thai/", views.terminal_state, name="terminal_state"),
    # The citizen's phone (the ticket's QR code).
    path("xep-hang/<str:key>/", views.follow, name="follow"),
    # The officer.
    path("mot-cua/quay/", views.panel, name="panel"),
    path("mot-cua/quay/thao-tac/", views.panel_act, name="panel_act"),
    path("mot-cua/quay/thong-ke/", views.stats, name="stats"),
]
