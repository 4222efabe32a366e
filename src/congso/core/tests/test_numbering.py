"""The one numbering helper (congso.core.numbering, ADR 0044): every sequential number CongSo
gives — dossier codes, register rows, document numbers — comes from it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from congso.core import numbering
from congso.documents.models import Direction, NumberCounter, Series
from congso.dossiers.models import DossierCodeCounter, RegisterCounter


@pytest.mark.django_db
def test_series_start_at_one_and_are_independent(demo_org):
    district, ward = demo_org.district, demo_org.wards["00352"]
    day = dt.date(2026, 12, 3)
    with transaction.atomic():
        assert numbering.next_number(DossierCodeCounter, agency=district, day=day) == 1
        assert numbering.next_number(DossierCodeCounter, agency=district, day=day) == 2
        assert numbering.next_number(DossierCodeCounter, agency=ward, day=day) == 1
        assert (
            numbering.next_number(DossierCodeCounter, agency=district, day=day.replace(day=4)) == 1
        )
        assert numbering.next_numbers(
            (DossierCodeCounter, {"agency_id": district.pk, "day": day}),
            (RegisterCounter, {"agency": district, "year": 2026}),
        ) == [3, 1]
        assert numbering.peek_number(DossierCodeCounter, agency=district, day=day) == 4
        assert numbering.peek_number(RegisterCounter, agency=ward, year=2026) == 1
    assert DossierCodeCounter.objects.get(agency=district, day=day).last == 3


@pytest.mark.django_db
def test_a_rollback_gives_the_number_back(demo_org):
    unit = demo_org.district
    key = {"unit": unit, "year": 2026, "direction": Direction.INCOMING, "series": Series.NORMAL}
    with transaction.atomic():
        assert numbering.next_number(NumberCounter, **key) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number(NumberCounter, **key) == 2
        raise RuntimeError("the change failed")
    with transaction.atomic():
        assert numbering.next_number(NumberCounter, **key) == 2


@pytest.mark.django_db(transaction=True)
def test_refused_outside_a_transaction(demo_org):
    with pytest.raises(RuntimeError, match="transaction"):
        numbering.next_number(RegisterCounter, agency=demo_org.district, year=2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forty_threads_on_two_series_get_distinct_continuous_numbers(demo_org):
    """Forty transactions at once, half of them on a series nobody created yet: every number
    is given once, none is skipped, and each series counts exactly its bumps."""
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL (DATABASE_URL=postgres://...) để thử đánh số đồng thời.")
    district = demo_org.district
    day = dt.date(2026, 12, 3)
    barrier = threading.Barrier(40)
    got: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                if i % 2:
                    values = numbering.next_numbers(
                        (DossierCodeCounter, {"agency": district, "day": day}),
                        (RegisterCounter, {"agency": district, "year": 2026}),
                    )
                else:
                    values = [
                        0,
                        numbering.next_number(RegisterCounter, agency=district, year=2026),
                    ]
            with lock:
                got.append((values[0], values[1]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    codes = sorted(c for c, _r in got if c)
    rows = sorted(r for _c, r in got)
    assert codes == list(range(1, 21))
    assert rows == list(range(1, 41))
    assert DossierCodeCounter.objects.get(agency=district, day=day).last == 20
    assert RegisterCounter.objects.get(agency=district, year=2026).last == 40
