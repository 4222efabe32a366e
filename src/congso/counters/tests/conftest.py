from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from congso.accounts.models import User
from congso.counters.models import Counter, Hall, ServiceGroup
from congso.org.models import Role, RoleAssignment, Staff


@dataclass
class HallSetup:
    hall: Hall
    land: ServiceGroup  # A: đất đai
    civil: ServiceGroup  # B: tư pháp – hộ tịch
    one: Counter  # serves A and B
    two: Counter  # serves B
    mai: Staff  # the demo desk officer
    binh: Staff  # a second desk officer
    outsider: Staff  # an officer of another unit


def local(h: int, m: int = 0, day: dt.date = dt.date(2026, 12, 3)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(h, m)))


def make_officer(username: str, name: str, unit, role=Role.ONESTOP_OFFICER) -> Staff:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(username=username, password="x" * 16, full_name=name)
    staff = Staff.objects.create(user=user, unit=unit, position="Cán bộ")
    RoleAssignment.objects.create(staff=staff, unit=unit, role=role)
    return staff


@pytest.fixture
def setup(demo_org) -> HallSetup:  # type: ignore[no-untyped-def]
    desk = demo_org.desk
    hall = Hall.objects.create(unit=desk, name="Sảnh một cửa quận Thanh Xuân")
    land = ServiceGroup.objects.create(hall=hall, letter="A", name="Đất đai, xây dựng", order=1)
    civil = ServiceGroup.objects.create(hall=hall, letter="B", name="Tư pháp, hộ tịch", order=2)
    one = Counter.objects.create(hall=hall, number=1)
    one.groups.set([land, civil])
    two = Counter.objects.create(hall=hall, number=2)
    two.groups.set([civil])
    binh = make_officer("motcua.binh", "Lê Văn Bình", desk)
    ward = demo_org.wards["00343"]
    outsider = make_officer("motcua.phuong", "Hoàng Thị Yến", ward)
    return HallSetup(hall, land, civil, one, two, demo_org.staff["motcua.tx"], binh, outsider)
