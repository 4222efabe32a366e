"""The demo feedback goes through the real services and loads once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from congso.feedback import demo, selectors
from congso.feedback.models import Case, Status
from congso.feedback.stats import pakn_stats

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_every_state(demo_org):
    assert demo.load("2015")
    count = Case.objects.count()
    assert count == 8
    assert demo.load("2015") == "Phản ánh, kiến nghị mẫu đã có." and Case.objects.count() == count
    states = set(Case.objects.values_list("status", flat=True))
    assert {Status.ANSWERED, Status.PROCESSING, Status.MERGED, Status.REFUSED} <= states
    ward = demo_org.wards["00343"]
    assert len(selectors.published_for(ward)) == 4
    overdue = selectors.work_queue(demo_org.user("lanhdao.nc"), view="overdue")
    assert [c.title for c in overdue] == ["Đèn chiếu sáng ngõ 214 Nguyễn Trãi hỏng nhiều ngày"]
    today = timezone.localdate()
    s = pakn_stats(unit=ward, start=today - dt.timedelta(days=60), end=today)
    assert s.received == 8 and s.answered == 4 and s.on_time_rate is not None
