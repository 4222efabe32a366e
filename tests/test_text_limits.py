"""Every free-text field has a length limit fit for its use, and printed forms are bounded
(issue #11, finding 8; ADR 0106). The probe sent 1,000,000 characters as ``request_summary``:
the receipt then took 312 s of CPU on every view."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from congso.core import limits, pdf
from congso.dossiers import forms_pdf, services
from congso.dossiers.models import Dossier
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure

HUGE = "Xin cấp bản sao trích lục khai sinh. " * 27_028  # ≈ 1,000,000 characters
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "openapi.json").read_text())

# Text the system writes itself (never typed by anyone): no limit of the table applies.
SYSTEM_TEXT = {
    ("accounts.UserSession", "sealed_key"),
    (
        "notify.Notification",
        "body",
    ),  # a rendered notification (its user text is bounded at the source)
    ("notify.SmsOutbox", "text"),
    ("notify.Notification", "error"),
    ("search.SearchEntry", "body"),
    ("dossiers.SyncJob", "last_error"),
    ("procedures.Procedure", "search_text"),
    ("documents.Attachment", "text"),  # text extracted from an attachment, for the search index
}


def test_every_text_field_of_the_project_has_a_limit():
    unbounded = []
    for model in apps.get_app_configs():
        if not model.name.startswith("congso."):
            continue
        for m in model.get_models():
            for field in m._meta.get_fields():
                if not isinstance(field, models.TextField):
                    continue
                # Inherited from a third-party model (Wagtail's Page: url_path, search_description).
                if not field.model.__module__.startswith("congso."):
                    continue
                if (m._meta.label, field.name) in SYSTEM_TEXT:
                    continue
                if not isinstance(field, limits.LimitedTextField):
                    unbounded.append(f"{m._meta.label}.{field.name}")
    assert unbounded == []


TYPED_STRINGS = ("binary", "date", "date-time")  # files and dates: parsed, not stored as text


def _request_schemas():
    for path, item in SCHEMA["paths"].items():
        for method, op in item.items():
            for kind, content in op.get("requestBody", {}).get("content", {}).items():
                yield f"{method.upper()} {path} ({kind})", content["schema"]


def _resolve(schema):
    ref = schema.get("$ref")
    return _resolve(SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]]) if ref else schema


def _strings(schema, where):
    schema = _resolve(schema)
    for option in schema.get("anyOf", []):
        yield from _strings(option, where)
    text = schema.get("type") == "string" and schema.get("format") not in TYPED_STRINGS
    if text and "maxLength" not in schema and "enum" not in schema:
        yield where
    for name, prop in schema.get("properties", {}).items():
        yield from _strings(prop, f"{where}.{name}")
    if "items" in schema:
        yield from _strings(schema["items"], f"{where}[]")


def test_every_string_an_api_operation_takes_has_a_max_length():
    unbounded = [w for where, s in _request_schemas() for w in _strings(s, where)]
    assert unbounded == []


@pytest.fixture
def token(demo_org):
    from congso.dossiers.models import ApiToken

    raw = "limits-token-0123456789abcdefghijklmnopqrstuvwxyz"
    ApiToken.objects.create(
        staff=demo_org.staff["motcua.tx"],
        name="limits",
        key_hash=hashlib.sha256(raw.encode()).hexdigest(),
    )
    return raw


@pytest.mark.django_db
def test_a_million_characters_of_request_summary_refused_by_the_api(demo_org, token):
    version = offered_procedure(demo_org.desk)
    body = {
        "procedure_version_id": version.pk,
        "applicant_name": "Lê Văn Cường",
        "applicant_id_number": "001088011122",
        "request_summary": HUGE,
        "papers": [
            {"paper_id": p.pk, "originals": p.originals, "copies": p.copies}
            for p in version.papers.all()
        ],
    }
    response = Client().post(
        "/api/v1/dossiers/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="huge-1",
    )
    assert 400 <= response.status_code < 500, response.content[:300]
    answer = response.json()
    problems = {e["field"]: e["message"] for e in answer.get("errors", [])}
    assert problems["payload.request_summary"] == "Dài quá 2000 ký tự."
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_a_million_characters_of_request_summary_refused_by_the_desk_form(demo_org, client):
    from congso.dossiers.tests.test_views import intake_post, login

    version = offered_procedure(demo_org.desk)
    login(client, demo_org, "motcua.tx")
    response = client.post(reverse("dossiers:intake"), intake_post(version, request_summary=HUGE))
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["form"].errors["request_summary"]
    assert errors == ["Nội dung dài quá: tối đa 2.000 ký tự (đang có 1.000.035)."]
    assert 'maxlength="2000"' in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_a_service_that_skips_validation_still_writes_nothing_too_long(demo_org):
    version = offered_procedure(demo_org.desk)
    dossier = services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )
    dossier.refusal_reason = "x" * (limits.REASON + 1)
    with pytest.raises(ValidationError) as caught, transaction.atomic():  # as in a service
        dossier.save()
    assert caught.value.message_dict["refusal_reason"] == [
        "Nội dung dài quá: tối đa 1.000 ký tự (đang có 1.001)."
    ]
    dossier.refresh_from_db()
    assert dossier.refusal_reason == ""


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_receipt_of_a_maximal_dossier_is_short(demo_org):
    """Every field of the receipt at its limit: a few pages, in about a second."""
    version = offered_procedure(demo_org.desk)
    dossier = services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(name="Ư" * limits.NAME, address="Ơ" * limits.ADDRESS),
        papers=all_papers(version),
        request_summary="Nội dung yêu cầu rất dài " * (limits.SUMMARY // 25),
    )
    started = time.process_time()
    data = forms_pdf.receipt_pdf(dossier, "Cán bộ")
    print(f"receipt at the limits: {time.process_time() - started:.2f} s CPU")
    assert _pages(data) <= 3


@pytest.mark.django_db
def test_text_stored_before_the_limits_is_cut_on_the_printed_form(demo_org):
    """A million characters already in the database (written before the limit, or around it
    with QuerySet.update): the receipt prints the start, says it was cut, and stays short."""
    version = offered_procedure(demo_org.desk)
    dossier = services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )
    _store_before_the_limit(dossier, HUGE)
    dossier.refresh_from_db()
    started = time.process_time()
    data = forms_pdf.receipt_pdf(dossier, "Cán bộ")
    print(f"receipt of 1,000,000 stored characters: {time.process_time() - started:.2f} s CPU")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) <= 4
    text = "".join(page.extract_text() for page in reader.pages)
    assert "đã lược bớt" in text


def _store_before_the_limit(dossier: Dossier, text: str) -> None:
    """Text written before the limits existed: raw SQL, as no ORM write lets it through now."""
    table = connection.ops.quote_name(Dossier._meta.db_table)
    column = connection.ops.quote_name(Dossier._meta.get_field("request_summary").column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [text, dossier.pk])


def _received(demo_org) -> Dossier:  # type: ignore[no-untyped-def]
    version = offered_procedure(demo_org.desk)
    return services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )


@pytest.mark.django_db
def test_queryset_update_and_bulk_update_hold_the_limit(demo_org):
    """``QuerySet.update()`` and ``bulk_update()`` skip ``save()``: the limit still holds
    (checked on the value sent to the database), a Vietnamese message, nothing written."""
    dossier = _received(demo_org)
    before = Dossier.objects.get(pk=dossier.pk).request_summary
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(request_summary=HUGE)
    assert "tối đa 2.000 ký tự" in str(caught.value)
    dossier.request_summary = HUGE
    with pytest.raises(ValidationError), transaction.atomic():
        Dossier.objects.bulk_update([dossier], ["request_summary"])
    assert Dossier.objects.get(pk=dossier.pk).request_summary == before
    # At the limit it passes, both ways.
    fitting = "a" * limits.SUMMARY
    Dossier.objects.filter(pk=dossier.pk).update(request_summary=fitting)
    dossier.request_summary = fitting[:-1]
    Dossier.objects.bulk_update([dossier], ["request_summary"])
    assert Dossier.objects.get(pk=dossier.pk).request_summary == fitting[:-1]


def test_no_update_in_the_code_writes_a_limited_field_with_an_sql_expression():
    """SQL expressions (``Concat``, ``Value`` without the field) are the one write the field
    cannot check: no ``.update(`` in the code sets a limited field to one."""
    root = Path(__file__).resolve().parents[1] / "src" / "congso"
    limited = {
        f.name
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, limits.LimitedTextField)
    }
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for call in re.findall(r"\.update\(([^()]*(?:\([^()]*\)[^()]*)*)\)", path.read_text()):
            for name, value in re.findall(r"(\w+)\s*=\s*([^,]+)", call):
                if name in limited and re.search(
                    r"\b(Concat|Value|Replace|Upper|Lower|RawSQL)\(", value
                ):
                    found.append(f"{path.relative_to(root)}: {name}={value.strip()}")
    assert found == []


def test_the_page_cap_stops_any_document():
    story = [pdf.p(f"Dòng {i}") for i in range(20_000)]
    with pytest.raises(pdf.PdfTooLong) as caught:
        pdf.build(story, title="thử", max_pages=5)
    assert "5 trang" in caught.value.message


def test_every_hand_written_textarea_says_its_limit():
    """Form widgets carry ``maxlength`` from the field; a textarea written in a template must
    say it too (``{% text_limit "NOTE" %}``), so the browser stops typing where the server
    would refuse."""
    root = Path(__file__).resolve().parents[1] / "src" / "congso"
    missing = [
        f"{path.relative_to(root)}: {tag[:60]}"
        for path in root.rglob("templates/**/*.html")
        for tag in re.findall(r"<textarea[^>]*>", path.read_text())
        if "maxlength" not in tag
    ]
    assert missing == []


@pytest.mark.django_db
def test_a_row_holding_older_over_long_text_can_still_be_saved(demo_org):
    """Text stored before the limits (the probe's million characters) must not block the
    dossier's work: saving the row unchanged in that field passes; changing the field to
    another over-long value does not."""
    version = offered_procedure(demo_org.desk)
    dossier = services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )
    _store_before_the_limit(dossier, HUGE)
    dossier.refresh_from_db()
    dossier.result_number = "12/QĐ"
    dossier.save()
    assert Dossier.objects.get(pk=dossier.pk).result_number == "12/QĐ"
    dossier.request_summary = HUGE + "!"
    with pytest.raises(ValidationError), transaction.atomic():
        dossier.save()
