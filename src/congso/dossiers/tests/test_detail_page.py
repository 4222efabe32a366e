"""The dossier page prints no empty punctuation where an optional value is missing (issue #12
§4, receipt wording): no "()" after a procedure without a national code or a proxy without an
identity number, no dangling "—" or ":" before nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Status

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db


def _facts(html: str) -> str:
    """The page's text between tags, whitespace collapsed (what the officer reads)."""
    text = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


EMPTY_PUNCTUATION = [
    re.compile(r"\(\s*\)"),  # "()" or "( )"
    re.compile(r"—\s*(—|$|\)|,)"),  # a dash before nothing
    re.compile(r"\(\s*[,·—-]"),
]


def _assert_clean(html: str) -> None:
    text = _facts(html)
    for pattern in EMPTY_PUNCTUATION:
        found = pattern.search(text)
        assert found is None, text[max(0, found.start() - 80) : found.end() + 40]


def test_missing_optional_values_leave_no_empty_brackets(client, demo_org, district_version):
    district_version.procedure.national_code = ""
    district_version.procedure.save(update_fields=["national_code"])
    dossier = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(
            address="", phone="", email="", proxy_name="Lê Văn Bảo", proxy_id_number="001090054321"
        ),
        papers=all_papers(district_version),
        at=local(2026, 3, 2, 9),
    )
    # A finished dossier without a judgement, returned without a collector's name; a proxy
    # recorded without a number (older data: the intake asks for one today).
    Dossier.objects.filter(pk=dossier.pk).update(
        proxy_id_number="",
        status=Status.RETURNED,
        finished_at=local(2026, 3, 3, 9),
        timeliness="",
        returned_at=local(2026, 3, 3, 10),
        return_method="counter",
        collected_by="",
    )
    client.force_login(demo_org.user("motcua.tx"))
    html = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Lê Văn Bảo" in html and district_version.name in html
    _assert_clean(html)
    text = _facts(html)
    assert "Liên hệ —" in text and "Địa chỉ —" in text  # an empty value shows as "—"


def test_present_optional_values_keep_their_brackets(client, demo_org, district_version):
    dossier = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(proxy_name="Lê Văn Bảo", proxy_id_number="001090054321"),
        papers=all_papers(district_version),
        at=local(2026, 3, 2, 9),
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Status.RETURNED,
        finished_at=local(2026, 3, 3, 9),
        timeliness="early",
        returned_at=local(2026, 3, 3, 10),
        return_method="counter",
        collected_by="Nguyễn Văn An",
    )
    client.force_login(demo_org.user("motcua.tx"))
    html = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    text = _facts(html)
    code = district_version.procedure.national_code
    assert f"{district_version.name} ({code})" in text
    assert "Lê Văn Bảo (001090054321)" in text
    assert "Nguyễn Văn An — 001090012345" in text
    assert "0912345678 · an@example.vn" in text
    assert "Trước hạn" in text and "người nhận: Nguyễn Văn An" in text
    _assert_clean(html)
