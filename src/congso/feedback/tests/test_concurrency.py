"""Codes never given twice under real concurrency (PostgreSQL): parallel verifications of
cases at one agency get consecutive, distinct PAKN codes."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from congso.feedback import services
from congso.feedback.models import Case, Channel

from .factories import submission

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("deadline_rules_v1"),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL (DATABASE_URL=postgres://...) để thử cấp mã đồng thời.")


def test_parallel_verifications_get_distinct_consecutive_codes(demo_org):
    ward = demo_org.wards["00343"]
    pending = [
        services.case_submit(
            sub=submission(ward, sender_phone=f"09{i:08d}"),
            channel=Channel.PORTAL,
            client=f"10.1.0.{i}",
        )
        for i in range(8)
    ]
    barrier = threading.Barrier(len(pending))
    errors: list[BaseException] = []

    def work(reference: str, code: str) -> None:
        try:
            barrier.wait()
            services.case_verify(reference=reference, code=code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c.reference, code)) for c, code in pending]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(
        int(code.rsplit(".", 1)[1]) for code in Case.objects.values_list("code", flat=True)
    )
    assert numbers == list(range(1, 9))
