"""congso.core.rows: INSERTs built once write what save() writes; pipelined transactions
fail whole on a queued statement's error."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congso.audit.models import AuditEvent
from congso.core.rows import insert_rows, pipelined, update_columns
from congso.dossiers.models import (
    Dossier,
    DossierPaper,
    DossierStep,
    RegisterEntry,
    StatusHistory,
    SyncJob,
)
from congso.notify.models import Notification

pytestmark = pytest.mark.django_db

# Every model the hot paths write with insert_rows (which, as bulk_create, skips save() and
# its signals): none may gain a save() override or a save signal unnoticed.
WRITTEN_BY_INSERT_ROWS = [
    Dossier,
    DossierPaper,
    DossierStep,
    RegisterEntry,
    StatusHistory,
    SyncJob,
    Notification,
    AuditEvent,
]


@pytest.mark.parametrize("model", WRITTEN_BY_INSERT_ROWS, ids=lambda m: m.__name__)
def test_models_written_by_insert_rows_have_no_save_override_or_signal(model):
    assert model.save is Model.save
    assert not _receivers(pre_save, model) and not _receivers(post_save, model)


# Receivers connected for every model that act only on other kinds of instance: Wagtail's sets
# the locale of a new TranslatableMixin instance and returns at once for anything else.
NO_OP_FOR_OURS = {"wagtail.models.i18n.set_locale_on_new_instance"}


def _receivers(signal, model) -> list[str]:
    sync, async_ = signal._live_receivers(model)
    names = [f"{f.__module__}.{f.__qualname__}" for f in [*sync, *async_]]
    return [n for n in names if n not in NO_OP_FOR_OURS]


AT = timezone.now()


def _event(seq: int, **extra) -> AuditEvent:
    return AuditEvent(
        seq=seq,
        occurred_at=AT,
        action="test.rows",
        target_type="x",
        data={"ngày": "28/11", "n": [1, 2]},
        prev_hash="0" * 64,
        hash="1" * 64,
        **extra,
    )


def test_insert_rows_writes_what_save_writes(django_user_model):
    user = django_user_model.objects.create(username="rows")
    saved, inserted = _event(1, actor=user), _event(2, actor=user)
    saved.save()
    insert_rows([inserted], returning=True)
    assert inserted.pk and not inserted._state.adding
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.attname not in ("id", "seq")]
    rows = {
        e.seq: [getattr(e, f) for f in fields]
        for e in AuditEvent.objects.filter(action="test.rows")
    }
    assert rows[1] == rows[2]
    assert AuditEvent.objects.get(pk=inserted.pk).data == {"ngày": "28/11", "n": [1, 2]}


def test_several_rows_get_their_keys_in_order():
    events = [_event(i) for i in range(10, 15)]
    insert_rows(events, returning=True)
    assert [AuditEvent.objects.get(pk=e.pk).seq for e in events] == list(range(10, 15))


def test_an_unsaved_related_object_is_refused():
    from congso.dossiers.models import Dossier

    with pytest.raises(ValueError, match="unsaved related object"):
        insert_rows(
            [SyncJob(dossier=Dossier(), service="x", payload={}, next_attempt_at=timezone.now())]
        )


def test_update_columns_writes_only_those_columns():
    event = _event(20)
    insert_rows([event], returning=True)
    event.action, event.target_type = "test.changed", "not written"
    update_columns(event, ["action"])
    again = AuditEvent.objects.get(pk=event.pk)
    assert (again.action, again.target_type) == ("test.changed", "x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_queued_statement_that_fails_fails_the_whole_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("pipeline mode is PostgreSQL's")
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert_rows([_event(30)])
        insert_rows(
            [_event(30)]
        )  # the same seq: refused by the unique index, seen at the block's end
        insert_rows([_event(31)])
    assert not AuditEvent.objects.filter(seq__in=[30, 31]).exists()
    # The connection is usable again, in and out of pipeline mode.
    with transaction.atomic(), pipelined():
        insert_rows([_event(32)])
        insert_rows([_event(33)], returning=True)
    assert list(
        AuditEvent.objects.filter(seq__gte=30).values_list("seq", flat=True).order_by("seq")
    ) == [32, 33]


def test_a_compiled_query_runs_with_new_values_and_attaches_related_rows(django_user_model):
    from congso.core.rows import CompiledQuery

    user = django_user_model.objects.create(username="compiled")
    insert_rows([_event(40, actor=user), _event(41)])
    mark = -9_000_000_001
    query = AuditEvent.objects.filter(seq=mark).select_related("actor")[:1]
    assert (
        CompiledQuery.compile(query, {"seq": mark}, {"seq": 2}) is None
    )  # not as the caller expects
    compiled = CompiledQuery.compile(query, {"seq": mark}, {"seq": 1})
    assert compiled is not None
    with_actor, without = compiled.first(seq=40), compiled.first(seq=41)
    assert with_actor == AuditEvent.objects.get(seq=40) and with_actor.data == {
        "ngày": "28/11",
        "n": [1, 2],
    }
    assert with_actor.occurred_at == AT
    with CaptureQueriesContext(connection) as ctx:
        assert with_actor.actor == user and without.actor is None  # attached, no further query
    assert not ctx.captured_queries
    assert compiled.first(seq=42) is None
