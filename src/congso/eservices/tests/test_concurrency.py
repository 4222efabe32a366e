"""Nothing twice under real concurrency: parallel submits of one draft make one dossier."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import offered_procedure
from congso.eservices import submission
from congso.eservices.models import Submission
from congso.procedures.models import OnlineLevel

from .factories import CitizenFactory, pdf_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL (DATABASE_URL=postgres://...) để thử nộp hồ sơ đồng thời.")


def test_parallel_submits_with_same_and_different_keys_make_one_dossier(demo_org):
    version = offered_procedure(demo_org.desk, name="Thủ tục thử đồng thời")
    version.online_level = OnlineLevel.FULL
    version.save()
    citizen = CitizenFactory(profile__identity_number="001090099999")
    draft = submission.draft_create(user=citizen, version=version, unit=demo_org.district)
    papers = list(version.papers.filter(required=True))
    submission.draft_save(
        draft=draft,
        user=citizen,
        data={},
        uploads={p.pk: [SimpleUploadedFile(f"p{p.pk}.pdf", pdf_bytes())] for p in papers},
    )
    same = uuid.uuid4()
    keys = [same] * 6 + [uuid.uuid4() for _ in range(4)]
    barrier = threading.Barrier(len(keys))
    results: list[int] = []
    errors: list[BaseException] = []

    def work(key: uuid.UUID) -> None:
        try:
            barrier.wait()
            results.append(
                submission.draft_submit(draft=draft, user=citizen, key=key, applicant={}).pk
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Dossier.objects.count() == 1 and set(results) == {Dossier.objects.get().pk}
    assert Submission.objects.filter(dossier__isnull=False).count() == 1
    assert Dossier.objects.get().attachments.count() == len(papers)
