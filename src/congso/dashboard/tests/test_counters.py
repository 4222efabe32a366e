"""The index's raw counters counted from a hand-built month of dossiers (issue 17): each
counter against the dossiers made for it, the index read from them, the period frozen at its
close (a later change of the data does not change a closed period's index), the
administrator's entry with its source, and who may enter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from congso.dashboard import counters, selectors, services
from congso.dashboard.models import IndexCounter
from congso.dashboard.periods import Period, parse
from congso.dossiers import services as s
from congso.dossiers.models import Attachment, Dossier, Rating, Status, SyncJob
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import local, offered_procedure
from congso.eservices.models import ElectronicResult, Payment, PaymentStatus

pytestmark = pytest.mark.django_db

MARCH = Period("month", local(2026, 3, 1).date())


def receive(org, version, at, **kw):
    return s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
        at=at,
        **kw,
    )


@pytest.fixture
def month(demo_org):
    """March 2026 at the district: an offline-only procedure with a fee, an online one."""
    paper = offered_procedure(demo_org.desk)
    online = offered_procedure(demo_org.desk, name="Đăng ký khai sinh", fee=0)
    online.online_level = "full"
    online.save()
    d = {
        "early": receive(demo_org, paper, local(2026, 3, 2, 9)),
        "late": receive(demo_org, paper, local(2026, 3, 2, 10)),
        "open_late": receive(demo_org, paper, local(2026, 3, 3, 9)),
        "online": receive(demo_org, online, local(2026, 3, 4, 9)),
        "counter_of_online": receive(demo_org, online, local(2026, 3, 5, 9)),
        "february": receive(demo_org, paper, local(2026, 2, 10, 9)),
    }
    upd = Dossier.objects.filter
    upd(pk=d["early"].pk).update(
        finished_at=local(2026, 3, 3, 9), timeliness="early", status=Status.RESULT_READY
    )
    upd(pk=d["late"].pk).update(
        finished_at=local(2026, 3, 25, 9), timeliness="late", status=Status.RESULT_READY
    )
    upd(pk=d["open_late"].pk).update(due_at=local(2026, 3, 10, 9))
    upd(pk=d["online"].pk).update(channel=2)  # as if submitted on the portal
    upd(pk=d["february"].pk).update(
        finished_at=local(2026, 2, 12, 9), timeliness="on_time", status=Status.RESULT_READY
    )
    Rating.objects.create(dossier=d["late"], level=1, source="counter")
    ElectronicResult.objects.create(
        dossier=d["early"], file="x.pdf", sha256="0" * 64, signed_by="A"
    )
    Payment.objects.create(
        order_ref="T1",
        payer=demo_org.user("motcua.tx"),
        dossier=d["early"],
        description="Lệ phí",
        amount=8000,
        status=PaymentStatus.PAID,
        paid_at=timezone.now(),
    )
    Attachment.objects.create(
        dossier=d["online"],
        file="a.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=10,
    )
    SyncJob.objects.filter(dossier=d["early"]).update(state=SyncJob.State.SENT)
    return d


def test_counters_of_a_hand_built_month(demo_org, month):
    got = counters.compute([demo_org.district], MARCH, now=local(2026, 4, 2))[demo_org.district.pk]
    expected = {
        "received": 5,
        "finished": 2,
        "finished_early": 1,
        "finished_on_time": 0,
        "finished_late": 1,
        "progress_late": 3,  # the three open ones (3 working days); February finished before
        "synced": 1,
        "received_online_offered": 2,
        "received_online_offered_online": 1,
        "fee_dossiers": 3,
        "fee_dossiers_paid_online": 1,
        "finished_unsatisfied": 1,
        "finished_e_result": 1,
        "received_digitised": 1,
        "procedures": 2,
        "procedures_online": 1,
        "procedures_online_used": 1,
        "procedures_with_fee": 1,
        "procedures_paid_online": 1,
    }
    assert got == expected


def test_index_of_the_month_and_missing_pakn(demo_org, month):
    view = selectors.index_for(demo_org.district, MARCH, now=local(2026, 4, 2))
    result = view.result
    progress = next(g for g in result.groups if g.group.key == "progress")
    assert progress.value == Decimal("4.00")  # 20 × 1 early / (1 early + 1 late + 3 overdue)
    subs = {s.sub.key: s for g in result.groups for s in g.subs}
    # Complaints about dossiers are an entered counter: none entered, TTHC satisfaction is
    # missing (no points, not 0).
    assert subs["satisfaction_tthc"].value is None
    assert view.provenance["finished_complained"].origin == "missing"
    # The PAKN inputs come from congso.feedback: no PAKN in March gives the full 6 points.
    assert view.provenance["pakn_due"].origin == "feedback"
    assert subs["satisfaction_pakn_on_time"].value == 6
    assert subs["satisfaction_pakn_on_time"].full_when_empty
    assert view.provenance["received"].origin == "live"


def test_a_closed_period_is_frozen_and_reproduced(demo_org, month):
    agencies = selectors.agencies_under(demo_org.district)  # the district and its 11 wards
    rows = services.index_counters_record(agencies=agencies, period=MARCH, now=local(2026, 4, 2))
    assert rows == len(counters.COMPUTED_KEYS) * 12
    before = selectors.index_for(demo_org.district, MARCH).result.value
    # A dossier back-dated into March after the close does not change March's index.
    paper = Dossier.objects.get(pk=month["early"].pk).procedure_version
    receive(demo_org, paper, local(2026, 3, 20, 9))
    view = selectors.index_for(demo_org.district, MARCH)
    assert view.result.value == before
    assert view.provenance["received"].origin == "computed"
    assert view.result.inputs["received"] == 5
    with pytest.raises(ValidationError, match="chưa kết thúc"):
        services.index_counters_record(
            agencies=[demo_org.district], period=MARCH, now=local(2026, 3, 20)
        )


def test_entered_counter_with_source(demo_org, month):
    admin = demo_org.staff["quantri"]
    services.index_counter_enter(
        by=admin,
        unit=demo_org.district,
        period=MARCH,
        key="procedures_published",
        value="4",
        source="Cổng DVC quốc gia, trang Chỉ số phục vụ, 02/04/2026",
    )
    services.index_counter_enter(
        by=admin,
        unit=demo_org.district,
        period=MARCH,
        key="procedures_published_on_time",
        value=3,
        source="Cổng DVC quốc gia, 02/04/2026",
    )
    view = selectors.index_for(demo_org.district, MARCH, now=local(2026, 4, 2))
    sub = next(
        x for g in view.result.groups for x in g.subs if x.sub.key == "disclosure_published_on_time"
    )
    assert sub.value == Decimal("4.50")
    assert view.provenance["procedures_published"].origin == "entered"
    assert view.provenance["procedures_published"].sources == [
        "Cổng DVC quốc gia, trang Chỉ số phục vụ, 02/04/2026"
    ]


def test_entry_is_refused_without_right_source_or_for_a_computed_counter(demo_org):
    admin, leader = demo_org.staff["quantri"], demo_org.staff["lanhdao.tx"]
    args = {"unit": demo_org.district, "period": MARCH, "key": "procedures_published"}
    with pytest.raises(PermissionDenied, match="Chỉ quản trị hệ thống"):
        services.index_counter_enter(by=leader, value=1, source="x", **args)
    with pytest.raises(ValidationError, match="nguồn số liệu"):
        services.index_counter_enter(by=admin, value=1, source="  ", **args)
    with pytest.raises(ValidationError, match="số nguyên không âm"):
        services.index_counter_enter(by=admin, value="-3", source="x", **args)
    with pytest.raises(ValidationError, match="tự tính"):
        services.index_counter_enter(by=admin, value=1, source="x", **{**args, "key": "received"})
    assert not IndexCounter.objects.exists()


def test_period_parsing():
    assert parse("2026-03").label == "Tháng 03/2026"
    assert parse("2026-Q2").start.month == 4 and parse("2026-Q2").label == "Quý II/2026"
    assert parse("2026").end.year == 2027
    for bad in ("2026-13", "26", "2026-Q5", "abc"):
        with pytest.raises(ValidationError, match="Kỳ đánh giá không hợp lệ"):
            parse(bad)
