"""Numbers are never duplicated under concurrent registration (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from congso.documents import services as s
from congso.documents.models import Channel, IncomingDocument, NumberCounter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL (DATABASE_URL=postgres://...) để thử đăng ký đồng thời.")


def test_thirty_parallel_registrations_get_distinct_continuous_numbers(demo_org):
    clerk, unit = demo_org.user("vanthu.tx"), demo_org.district
    barrier = threading.Barrier(30)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            s.incoming_register(
                by=clerk,
                unit=unit,
                sender_name="Sở Nội vụ",
                abstract=f"Công văn {i}",
                channel=Channel.ELECTRONIC,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(IncomingDocument.objects.filter(unit=unit).values_list("number", flat=True))
    assert numbers == list(range(1, 31))
    assert NumberCounter.objects.get(unit=unit).last == 30
