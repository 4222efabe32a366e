"""The tamper-evident audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from congso.core.rows import insert_rows

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """What JSON storage gives back: dates, decimals and UUIDs become strings."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def event_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": event.occurred_at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor_id,
        "actor_repr": event.actor_repr,
        "action": event.action,
        "target": [event.target_type, event.target_id, event.target_repr],
        "unit": event.unit_id,
        "data": event.data,
        "prev": event.prev_hash,
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


_HEAD_SQL: dict[str, tuple[str, str]] = {}


def _head_sql() -> tuple[str, str]:
    """(read, move) statements of the chain head, built from the model once per vendor."""
    sql = _HEAD_SQL.get(connection.vendor)
    if sql is None:
        quote, meta = connection.ops.quote_name, AuditChainHead._meta
        table, pk = quote(meta.db_table), quote(meta.pk.column)  # type: ignore[union-attr,arg-type]
        seq, digest = (quote(meta.get_field(name).column) for name in ("last_seq", "last_hash"))  # type: ignore[union-attr,arg-type]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        sql = _HEAD_SQL[connection.vendor] = (
            f"SELECT {seq}, {digest} FROM {table} WHERE {pk} = 1{lock}",  # noqa: S608
            f"UPDATE {table} SET {seq} = %s, {digest} = %s WHERE {pk} = 1")  # noqa: S608
    return sql


def _lock_head() -> tuple[int, str]:
    """(last seq, last hash) of the chain, its row locked until commit (created if missing).
    Plain SQL built from the model once: the ORM would compile it on every transition of
    every dossier (see congso.core.rows)."""
    read, _move = _head_sql()
    with connection.cursor() as cursor:
        cursor.execute(read)
        row = cursor.fetchone()
    if row is None:
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        return head.last_seq, head.last_hash
    return int(row[0]), str(row[1])


def _move_head(event: AuditEvent) -> None:
    _read, move = _head_sql()
    with connection.cursor() as cursor:
        cursor.execute(move, [event.seq, event.hash])


@transaction.atomic(savepoint=False)
def audit_record(*, actor: Any, action: str, target: models.Model | None = None,
                 unit: Any = None, data: dict[str, Any] | None = None, key: bool = True) -> AuditEvent:
    """Append an event to the chain inside the caller's transaction (no savepoint of its own:
    a failure here fails the caller's whole change, as it must). The chain head is one row
    locked until commit, so callers record their event as late as they can. With ``key``
    false the event's primary key is not read back, so a pipelined transaction
    (congso.core.rows.pipelined) sends the INSERT without waiting for it."""
    user = actor.user if hasattr(actor, "user") and not hasattr(actor, "is_authenticated") else actor
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_repr=str(user)[:200] if user else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        unit_id=getattr(unit, "pk", unit),
        data=_canonical(data or {}),
    )
    last_seq, last_hash = _lock_head()
    event.seq, event.prev_hash = last_seq + 1, last_hash
    event.hash = event_hash(event)
    insert_rows([event], returning=key)
    _move_head(event)
    return event


@dataclass
class ChainReport:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def audit_verify(batch: int = 5000) -> ChainReport:
    """Walk the chain in order and name the first event whose hash or link does not hold."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        events = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return ChainReport(checked, expected_seq, "missing event (deleted row)")
            if event.prev_hash != prev_hash:
                return ChainReport(checked, event.seq, "link to the previous event does not match")
            if event_hash(event) != event.hash:
                return ChainReport(checked, event.seq, "content does not match its hash (edited row)")
            prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
            last_seq = event.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq != checked:
        return ChainReport(checked, checked + 1, "events after the last one were deleted")
    return ChainReport(checked)


def audit_trail(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower,
                                     target_id=str(target.pk)).order_by("seq")
