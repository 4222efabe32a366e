"""Pages of the counter devices (kiosk, board, terminal: a device token, no person) and of the
officer (the counter panel, statistics: a staff login). Views parse and render; services and the
policy decide."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from congso.core.downloads import generated_response
from congso.core.inputs import ascii_digits_only
from congso.core.tasks import enqueue
from congso.dossiers.models import Satisfaction
from congso.org import policy
from congso.org.selectors import staff_for

from . import devices, permissions, printing, selectors, services, voice
from .models import Device, Priority, ServiceGroup, Ticket

# The board's stream: how often it looks at the hall's revision, how often it says it is alive
# (the page reconnects when it hears nothing for 4 s), and how long one response lasts before
# the page reconnects (a gunicorn thread is held meanwhile; ADR 0141).
STREAM_POLL = 0.25
STREAM_PING = 1.5
STREAM_SECONDS = 50.0


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text and ascii_digits_only(text) and len(text) < 10 else None


# ---------------------------------------------------------------------------------------------
# Devices


def _device(request: HttpRequest, kind: str) -> Device:
    device = devices.device_for_request(request, kind)
    if device is None:
        raise PermissionDenied(_("Thiết bị chưa được kích hoạt hoặc đã bị thu hồi."))
    return device


DEVICE_PAGES: dict[str, str] = {
    Device.Kind.KIOSK: "counters:kiosk",
    Device.Kind.BOARD: "counters:board",
    Device.Kind.TERMINAL: "counters:terminal",
}


def activate(request: HttpRequest) -> HttpResponse:
    """The device's first page: the administrator types the device token once; the browser
    keeps it in an HttpOnly cookie and opens the device's own page."""
    error = ""
    if request.method == "POST":
        token = str(request.POST.get("ma") or "").strip()
        device = devices.device_for_token(token)
        if device is None:
            error = _("Mã thiết bị không đúng hoặc đã bị thu hồi.")
        else:
            response = redirect(DEVICE_PAGES[device.kind])
            response.set_cookie(
                devices.COOKIE,
                token,
                max_age=devices.COOKIE_AGE,
                httponly=True,
                samesite="Strict",
                secure=request.is_secure(),
            )
            return response
    else:
        device = devices.device_for_request(request)
        if device is not None:
            return redirect(DEVICE_PAGES[device.kind])
    return render(request, "counters/activate.html", {"error": error}, status=400 if error else 200)


def _follow_url(request: HttpRequest, ticket: Ticket) -> str:
    return request.build_absolute_uri(reverse("counters:follow", args=[ticket.follow_key]))


def kiosk(request: HttpRequest) -> HttpResponse:
    """The touch page: a button per group, the priority choices, then the ticket."""
    device = _device(request, Device.Kind.KIOSK)
    hall = device.hall
    error = ""
    if request.method == "POST":
        group = ServiceGroup.objects.filter(
            hall=hall, pk=_int(request.POST.get("nhom")) or 0
        ).first()
        priority = str(request.POST.get("uu_tien") or "")
        if group is None:
            error = _("Vui lòng chọn lĩnh vực cần giải quyết.")
        else:
            try:
                ticket = services.ticket_issue(group=group, priority=priority)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if device.printer:
                    enqueue(
                        printing.print_ticket, ticket.pk, device.pk, _follow_url(request, ticket)
                    )
                return redirect("counters:kiosk_ticket", key=ticket.follow_key)
    return render(
        request,
        "counters/kiosk.html",
        {
            "hall": hall,
            "groups": selectors.kiosk_groups(hall),
            "priorities": [c for c in Priority.choices if c[0]],
            "error": error,
        },
        status=400 if error else 200,
    )


def _qr(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=5, border=2))


def kiosk_ticket(request: HttpRequest, key: str) -> HttpResponse:
    """The ticket just issued, laid out for an 80 mm roll (browser printing) and on screen;
    the page prints itself unless the kiosk has an ESC/POS printer, then goes back."""
    device = _device(request, Device.Kind.KIOSK)
    ticket = (
        Ticket.objects.select_related("hall__unit", "group", "issued_group")
        .filter(hall=device.hall, follow_key=key)
        .first()
    )
    if ticket is None:
        raise Http404
    url = _follow_url(request, ticket)
    return render(
        request,
        "counters/kiosk_ticket.html",
        {
            "ticket": ticket,
            "info": services.queue_info(ticket),
            "qr": _qr(url),
            "follow_url": url,
            "browser_print": not device.printer,
        },
    )


def follow(request: HttpRequest, key: str) -> HttpResponse:
    """The citizen's phone page opened from the QR code: their ticket and the queue ahead."""
    ticket = (
        Ticket.objects.select_related("hall", "group", "issued_group", "counter")
        .filter(follow_key=key)
        .first()
    )
    if ticket is None or len(key) > 40:
        raise Http404
    return render(
        request,
        "counters/follow.html",
        {"ticket": ticket, "info": services.queue_info(ticket)},
    )


def board(request: HttpRequest) -> HttpResponse:
    device = _device(request, Device.Kind.BOARD)
    return render(
        request,
        "counters/board.html",
        {
            "hall": device.hall,
            "state": selectors.board_state(device.hall),
            "muted": request.GET.get("am_thanh") == "tat",
        },
    )


def board_state(request: HttpRequest) -> JsonResponse:
    device = _device(request, Device.Kind.BOARD)
    return JsonResponse(selectors.board_state(device.hall))


def _sse(event: str, data: dict[str, Any], event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _board_stream(hall_id: int) -> Iterator[str]:
    """The full state at once and after every change of the hall's revision; a ping in between
    so the page knows the line is alive. Ends after STREAM_SECONDS (the page reconnects)."""
    yield "retry: 1000\n\n"
    started = last_sent = time.monotonic()
    seen: int | None = None
    try:
        while time.monotonic() - started < STREAM_SECONDS:
            revision = selectors.hall_revision(hall_id)
            if revision is None:
                return
            if revision != seen:
                hall = selectors.Hall.objects.select_related("unit").get(pk=hall_id)
                yield _sse("state", selectors.board_state(hall), revision)
                seen = revision
                last_sent = time.monotonic()
            elif time.monotonic() - last_sent >= STREAM_PING:
                yield _sse("ping", {"t": int(time.time())})
                last_sent = time.monotonic()
            time.sleep(STREAM_POLL)
    finally:
        close_old_connections()


@require_GET
def board_events(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events of the board (ADR 0141)."""
    device = _device(request, Device.Kind.BOARD)
    response = StreamingHttpResponse(
        _board_stream(device.hall_id), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@require_GET
def clip(request: HttpRequest, name: str) -> HttpResponse:
    """One voice clip (or the chime) for the board."""
    _device(request, Device.Kind.BOARD)
    path = voice.clip_path(name)
    if path is None or not path.exists():
        raise Http404
    # A clip is a few kB built by CongSo (counters_voice): sent as a generated file, cached a
    # day by the board (it changes only when the clips are generated again).
    response = generated_response(
        path.read_bytes(), filename=f"{name}.wav", content_type="audio/wav", inline=True
    )
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _terminal_context(device: Device) -> dict[str, Any]:
    counter = device.counter
    ticket = services.rateable_ticket(counter) if counter else None
    staff = ticket.served_by if ticket else (counter.staff if counter else None)
    return {
        "device": device,
        "counter": counter,
        "ticket": ticket,
        "officer": staff.name if staff else "",
        "position": staff.position if staff else "",
        "levels": [(v, label) for v, label in Satisfaction.choices][::-1],
        "unsatisfied": Satisfaction.UNSATISFIED,
    }


def terminal(request: HttpRequest) -> HttpResponse:
    """The tablet at the counter: the officer serving and three choices, one tap."""
    device = _device(request, Device.Kind.TERMINAL)
    if device.counter is None:
        raise PermissionDenied(_("Máy đánh giá chưa được gán cho quầy nào."))
    context = _terminal_context(device)
    status = 200
    if request.method == "POST":
        try:
            rating = services.ticket_rate(
                counter=device.counter,
                level=_int(request.POST.get("muc")) or 0,
                reason=str(request.POST.get("ly_do") or ""),
            )
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
            status = 400
        else:
            context["thanks"] = rating
    return render(request, "counters/terminal.html", context, status=status)


def terminal_state(request: HttpRequest) -> JsonResponse:
    """What the terminal polls: the ticket it would rate now (the page reloads on a change)."""
    device = _device(request, Device.Kind.TERMINAL)
    ticket = services.rateable_ticket(device.counter) if device.counter else None
    return JsonResponse({"ticket": ticket.code if ticket else None})


# ---------------------------------------------------------------------------------------------
# The officer's counter panel


def _staff(request: HttpRequest):  # type: ignore[no-untyped-def]
    staff = staff_for(request.user)
    if staff is None:
        raise PermissionDenied(_("Chức năng dành cho cán bộ."))
    return staff


@login_required
def panel(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    halls = selectors.halls_for(request.user)
    if not halls:
        raise PermissionDenied(_("Bạn không phục vụ tại sảnh một cửa nào."))
    counter = staff.counter if hasattr(staff, "counter") else None
    ticket = services.active_ticket(staff)
    if ticket is not None:
        linked = services.ticket_link_now(ticket=ticket, by=staff)
        if linked:
            messages.success(
                request,
                _("Đã gắn hồ sơ %(codes)s với phiếu %(ticket)s.")
                % {"codes": ", ".join(linked), "ticket": ticket.code},
            )
    hall = counter.hall if counter else halls[0]
    state = selectors.board_state(hall)
    return render(
        request,
        "counters/panel.html",
        {
            "halls": halls,
            "hall": hall,
            "counter": counter,
            "counters": list(hall.counters.all()),
            "groups": selectors.active_groups(hall),
            "ticket": ticket,
            "dossiers": services.dossiers_of(ticket) if ticket else [],
            "state": state,
            "no_shows": list(
                Ticket.objects.filter(
                    hall=hall,
                    day=timezone.localdate(),
                    status="no_show",
                    recalled_after_skip=False,
                ).select_related("issued_group")[:20]
            ),
            "intake_url": reverse("dossiers:intake") + f"?don_vi={hall.unit_id}",
            "may_stats": policy.may(request.user, permissions.STATS.name, hall.unit),
        },
    )


PANEL_ACTIONS = {
    "call": _("Đã gọi phiếu %(code)s."),
    "recall": _("Đã gọi lại phiếu %(code)s."),
    "skip": _("Phiếu %(code)s được ghi vắng mặt."),
    "start": _("Bắt đầu phục vụ phiếu %(code)s."),
    "finish": _("Đã kết thúc phục vụ phiếu %(code)s."),
    "transfer": _("Đã chuyển phiếu %(code)s."),
}


@login_required
@require_POST
def panel_act(request: HttpRequest) -> HttpResponse:
    """Every button of the panel posts here with ``thao_tac``; the service decides."""
    staff = _staff(request)
    action = str(request.POST.get("thao_tac") or "")
    ticket: Ticket | None = None
    try:
        if action in ("open", "close"):
            counter = selectors.counter_get_for(request.user, _int(request.POST.get("quay")) or 0)
            if action == "open":
                services.counter_open(counter=counter, by=staff)
                messages.success(request, _("Đã mở %(c)s.") % {"c": counter})
            else:
                services.counter_close(counter=counter, by=staff)
                messages.success(request, _("Đã đóng %(c)s.") % {"c": counter})
            return redirect("counters:panel")
        if action == "call":
            ticket = services.ticket_call_next(by=staff)
            if ticket is None:
                messages.info(request, _("Không có người chờ ở các nhóm quầy này phục vụ."))
                return redirect("counters:panel")
        elif action in PANEL_ACTIONS:
            ticket = selectors.ticket_get_for(request.user, _int(request.POST.get("phieu")) or 0)
            if action == "recall":
                services.ticket_recall(ticket=ticket, by=staff)
            elif action == "skip":
                services.ticket_skip(ticket=ticket, by=staff)
            elif action == "start":
                services.ticket_start(ticket=ticket, by=staff)
            elif action == "finish":
                services.ticket_finish(ticket=ticket, by=staff)
            else:
                target = str(request.POST.get("chuyen_den") or "")
                kind, _sep, pk = target.partition(":")
                group = (
                    ServiceGroup.objects.filter(hall=ticket.hall, pk=_int(pk) or 0).first()
                    if kind == "nhom"
                    else None
                )
                to_counter = (
                    ticket.hall.counters.filter(pk=_int(pk) or 0).first()
                    if kind == "quay"
                    else None
                )
                services.ticket_transfer(ticket=ticket, by=staff, group=group, counter=to_counter)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("counters:panel")
    messages.success(request, PANEL_ACTIONS[action] % {"code": ticket.code})
    return redirect("counters:panel")


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.datetime.strptime(str(value or ""), "%d/%m/%Y").date()
    except ValueError:
        return default


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """Per hall, group, counter and officer over a period: tickets, no-shows, waiting and
    serving minutes (median, p90), ratings."""
    halls = selectors.halls_for(request.user, permissions.STATS.name)
    if not halls:
        raise PermissionDenied(_("Bạn không có quyền xem thống kê xếp hàng."))
    chosen = _int(request.GET.get("sanh"))
    hall = next((h for h in halls if h.pk == chosen), halls[0])
    today = timezone.localdate()
    end = _parse_day(request.GET.get("den"), today)
    start = _parse_day(request.GET.get("tu"), end - dt.timedelta(days=29))
    error = ""
    if start > end:
        error = _("Ngày bắt đầu phải trước ngày kết thúc.")
        start = end
    figures = selectors.hall_stats(hall, start, end)
    return render(
        request,
        "counters/stats.html",
        {
            "halls": halls,
            "hall": hall,
            "start": start,
            "end": end,
            "error": error,
            "stats": figures,
            "total_rows": [figures.total],
        },
    )
