"""Text stored before input was normalised is put into NFC by one data migration per app
(issue #11, finding 13; ADR 0108): decomposed (NFD) Vietnamese from before ADR 0096 stops
hiding from NFC searches. Idempotent; files, the hash-chained audit log and unique collisions
left alone."""

from __future__ import annotations

import importlib
import unicodedata
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from congso.audit.models import AuditEvent
from congso.core.nfc import nfc_value, normalise_app
from congso.dossiers import services
from congso.dossiers.models import Dossier, DossierPaper
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure
from congso.org.models import Unit
from congso.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db

# (app label, data migration module) — one per app holding typed text.
MIGRATIONS = [
    ("accounts", "congso.accounts.migrations.0003_nfc_text"),
    ("org", "congso.org.migrations.0002_nfc_text"),
    ("workcalendar", "congso.calendar.migrations.0004_nfc_text"),
    ("procedures", "congso.procedures.migrations.0006_nfc_text"),
    ("dossiers", "congso.dossiers.migrations.0013_nfc_text"),
    ("eservices", "congso.eservices.migrations.0005_nfc_text"),
    ("documents", "congso.documents.migrations.0004_nfc_text"),
]

NAME = "Nguyễn Thị Hoà"
ADDRESS = "Số 12 ngõ 34 phố Khương Đình, phường Hạ Đình"


def nfd(text: str) -> str:
    out = unicodedata.normalize("NFD", text)
    assert out != text
    return out


def run_data_migrations() -> None:
    editor = SimpleNamespace(connection=connection)
    for _label, module in MIGRATIONS:
        migration = importlib.import_module(module).Migration
        for operation in migration.operations:
            operation.code(apps, editor)


def test_every_app_with_typed_text_has_its_data_migration():
    for label, module in MIGRATIONS:
        migration = importlib.import_module(module).Migration
        assert migration.operations, module
        assert apps.get_app_config(label)


def test_stored_nfd_text_becomes_nfc_once_and_searches_find_it(demo_org):
    version = offered_procedure(demo_org.desk)
    dossier = services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
        request_summary="Cấp bản sao",
    )
    # Written as before ADR 0096: decomposed, straight to the table.
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_name=nfd(NAME),
        applicant_address=nfd(ADDRESS),
        request_summary=nfd("Xin cấp lại giấy đăng ký"),
        form_data={nfd("ghi chú"): [nfd("Hoà"), 3, {"k": nfd("Đình")}]},
    )
    ProcedureVersion.objects.filter(pk=version.pk).update(name=nfd("Đăng ký khai sinh"))
    Unit.objects.filter(pk=demo_org.desk.pk).update(address=nfd(ADDRESS))
    paper = DossierPaper.objects.filter(dossier=dossier).first()
    DossierPaper.objects.filter(pk=paper.pk).update(name=nfd("Tờ khai đăng ký"))
    audit = AuditEvent.objects.order_by("-seq").first()
    AuditEvent.objects.filter(pk=audit.pk).update(target_repr=nfd(NAME))
    assert not Dossier.objects.filter(applicant_name__icontains="Hoà").exists()

    run_data_migrations()

    row = Dossier.objects.get(pk=dossier.pk)
    assert row.applicant_name == NAME and row.applicant_address == ADDRESS
    assert row.request_summary == "Xin cấp lại giấy đăng ký"
    assert row.form_data == {"ghi chú": ["Hoà", 3, {"k": "Đình"}]}
    assert ProcedureVersion.objects.get(pk=version.pk).name == "Đăng ký khai sinh"
    assert Unit.objects.get(pk=demo_org.desk.pk).address == ADDRESS
    assert DossierPaper.objects.get(pk=paper.pk).name == "Tờ khai đăng ký"
    assert Dossier.objects.filter(applicant_name__icontains="Hoà").exists()
    # The audit log is hash-chained: left exactly as it was.
    assert AuditEvent.objects.get(pk=audit.pk).target_repr == nfd(NAME)
    # A second run finds nothing to do.
    for label, _module in MIGRATIONS:
        assert normalise_app(apps, label) == 0


def test_a_collision_in_a_unique_column_is_left_and_the_rest_done(demo_org, caplog):
    from congso.accounts.models import User

    User.objects.create(username="hoà", full_name=nfd(NAME))
    twin = User.objects.create(username="hoa-2", full_name=nfd(NAME))
    User.objects.filter(pk=twin.pk).update(username=nfd("hoà"))
    assert normalise_app(apps, "accounts") >= 1
    twin.refresh_from_db()
    assert twin.username == nfd("hoà")  # would collide with the NFC one: kept, logged
    assert twin.full_name == nfd(NAME)  # the whole row is skipped, in one UPDATE
    assert User.objects.get(username="hoà").full_name == NAME
    assert "collides" in caplog.text


def test_nfc_value_walks_json():
    assert nfc_value({nfd("Hoà"): [nfd("Đình"), None, 1.5]}) == {"Hoà": ["Đình", None, 1.5]}
    assert nfc_value("ASCII") == "ASCII"
