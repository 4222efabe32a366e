from __future__ import annotations

import pytest

from congso.dossiers.services import Applicant, PaperReceived

from .factories import offered_procedure


@pytest.fixture
def district_version(demo_org):
    return offered_procedure(demo_org.desk)


@pytest.fixture
def ward_version(demo_org):
    return offered_procedure(demo_org.wards["00343"], name="Chứng thực bản sao từ bản chính")


def person(**kw) -> Applicant:
    values = {
        "kind": "individual",
        "name": "Nguyễn Văn An",
        "id_number": "001090012345",
        "address": "12 Nguyễn Trãi, Thanh Xuân",
        "phone": "0912345678",
        "email": "an@example.vn",
    }
    values.update(kw)
    return Applicant(**values)


def all_papers(version) -> list[PaperReceived]:
    return [PaperReceived(p, p.originals, p.copies) for p in version.papers.filter(required=True)]


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    from django.core.cache import cache

    cache.clear()
