"""Demo of the counter devices (issue 18): the hall of quận Thanh Xuân's one-stop desk with four
groups and four counters, a kiosk, a board and a terminal per counter with fixed demo tokens
(demo only: printed by ``demo_logins`` users and docs/counters.md), and the last five working
days of tickets driven through the real services (back-dated, ADR 0035) so the statistics
have something true to show. The voice clips are generated if espeak-ng is installed."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.utils import timezone

from congso.org.demo import DEMO_PASSWORD, load_org_demo
from congso.org.models import Role, RoleAssignment, Staff

from . import devices, services, voice
from .models import Counter, Device, Hall, Priority, ServiceGroup

HALL_NAME = "Sảnh tiếp công dân — Bộ phận Một cửa quận Thanh Xuân"
GROUPS = [
    ("A", "Đất đai, xây dựng, đô thị", "Cấp phép xây dựng, đăng ký đất đai"),
    ("B", "Tư pháp, hộ tịch, chứng thực", "Khai sinh, kết hôn, chứng thực bản sao"),
    ("C", "Kinh doanh, đầu tư", "Đăng ký hộ kinh doanh, giấy phép"),
    ("D", "Lao động, chính sách xã hội", "Người có công, bảo trợ xã hội"),
]
# counter number → group letters it serves
COUNTERS = {1: "AB", 2: "B", 3: "BC", 4: "CD"}
# Demo device tokens (published: demo only, like the demo passwords).
TOKENS = {
    "kiosk": "tb_demo_lay_so",
    "board": "tb_demo_bang",
    **{f"terminal-{n}": f"tb_demo_danh_gia_{n}" for n in COUNTERS},
}
SECOND_OFFICER = ("motcua.hung", "Phạm Quốc Hưng")


def _device(hall: Hall, kind: str, name: str, token: str, counter: Counter | None = None) -> None:
    device = Device.objects.filter(hall=hall, name=name).first() or Device(
        hall=hall, kind=kind, name=name, counter=counter
    )
    device.token_hash = devices._digest(token)
    device.revoked_at = None
    device.save()


def _second_officer(desk) -> Staff:  # type: ignore[no-untyped-def]
    from congso.accounts.models import User

    username, name = SECOND_OFFICER
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, full_name=name)
    staff, _ = Staff.objects.get_or_create(
        user=user, defaults={"unit": desk, "position": "Cán bộ Bộ phận một cửa"}
    )
    RoleAssignment.objects.get_or_create(staff=staff, unit=desk, role=Role.ONESTOP_OFFICER)
    return staff


def _history(hall: Hall, officers: list[Staff], counters: list[Counter]) -> None:
    """Five past working days of tickets through the services (back-dated)."""
    rng = random.Random(18)
    groups = list(hall.groups.all())
    today = timezone.localdate()
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < 5:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    priorities = [p for p in Priority.values if p]
    for day in reversed(days):
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 45)))
        for staff, counter in zip(officers, counters, strict=False):
            services.counter_open(counter=counter, by=staff, at=start)
        at = start
        for _ in range(14):
            at += dt.timedelta(minutes=rng.randint(2, 9))
            group = rng.choice(groups)
            prio = rng.choice(priorities) if rng.random() < 0.2 else ""
            services.ticket_issue(group=group, priority=prio, at=at)
        clock = start + dt.timedelta(minutes=20)
        for _round in range(10):
            for staff in officers:
                ticket = services.ticket_call_next(by=staff, at=clock)
                if ticket is None:
                    continue
                if rng.random() < 0.08:
                    services.ticket_skip(
                        ticket=ticket, by=staff, at=clock + dt.timedelta(minutes=2)
                    )
                    continue
                began = clock + dt.timedelta(minutes=1)
                services.ticket_start(ticket=ticket, by=staff, at=began)
                ended = began + dt.timedelta(minutes=rng.randint(4, 14))
                services.ticket_finish(ticket=ticket, by=staff, at=ended)
                if rng.random() < 0.7:
                    level = rng.choices([3, 2, 1], weights=[6, 3, 1])[0]
                    _rate_past(ticket, level, ended)
            clock += dt.timedelta(minutes=12)
        for staff, counter in zip(officers, counters, strict=False):
            if services.active_ticket(staff) is None:
                services.counter_close(counter=counter, by=staff)


def _rate_past(ticket, level: int, at: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    from .models import CounterRating

    CounterRating.objects.create(
        ticket=ticket,
        counter=ticket.counter,
        staff_id=ticket.served_by_id,
        level=level,
        reason="Phải chờ lâu, thiếu hướng dẫn" if level == 1 else "",
        rated_at=at,
    )


def load(variant: str = "") -> str | None:
    """Create the demo hall once; a second run adds nothing."""
    org = load_org_demo()
    desk = org.desk
    if Hall.objects.filter(unit=desk, name=HALL_NAME).exists():
        return None
    hall = Hall.objects.create(unit=desk, name=HALL_NAME, priority_run=3)
    by_letter = {}
    for order, (letter, name, description) in enumerate(GROUPS, start=1):
        by_letter[letter] = ServiceGroup.objects.create(
            hall=hall, letter=letter, name=name, description=description, order=order
        )
    counters = []
    for number, letters in COUNTERS.items():
        counter = Counter.objects.create(hall=hall, number=number)
        counter.groups.set([by_letter[c] for c in letters])
        counters.append(counter)
    _device(hall, Device.Kind.KIOSK, "Máy lấy số sảnh chính", TOKENS["kiosk"])
    _device(hall, Device.Kind.BOARD, "Bảng hiển thị sảnh chính", TOKENS["board"])
    for counter in counters:
        _device(
            hall,
            Device.Kind.TERMINAL,
            f"Máy đánh giá quầy {counter.number}",
            TOKENS[f"terminal-{counter.number}"],
            counter,
        )
    officers = [org.staff["motcua.tx"], _second_officer(desk)]
    # Officers sit at counters 1 and 3 in the demo's history (both serve group B).
    _history(hall, officers, [counters[0], counters[2]])
    # Without espeak-ng the board still chimes and shows the call.
    with contextlib.suppress(FileNotFoundError, OSError):
        voice.generate()
    return "Đã nạp sảnh một cửa: 4 nhóm dịch vụ, 4 quầy, máy lấy số, bảng hiển thị, máy đánh giá."
