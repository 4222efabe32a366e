"""The tamper-evident audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

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
        "actor": event.actor_ref,
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
            f"UPDATE {table} SET {seq} = %s, {digest} = %s WHERE {pk} = 1",  # noqa: S608
        )
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
def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    unit: Any = None,
    data: dict[str, Any] | None = None,
    key: bool = True,
) -> AuditEvent:
    """Append an event to the chain inside the caller's transaction (no savepoint of its own:
    a failure here fails the caller's whole change, as it must). The chain head is one row
    locked until commit, so callers record their event as late as they can. With ``key``
    false the event's primary key is not read back, so a pipelined transaction
    (congso.core.rows.pipelined) sends the INSERT without waiting for it."""
    user = (
        actor.user if hasattr(actor, "user") and not hasattr(actor, "is_authenticated") else actor
    )
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_ref=user.pk if user else None,
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
                return ChainReport(
                    checked, event.seq, "content does not match its hash (edited row)"
                )
            prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
            last_seq = event.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_seq != checked:
        return ChainReport(checked, checked + 1, "events after the last one were deleted")
    return _check_against_checkpoints(checked)


# --- Signed checkpoints: the head anchored outside the table (ADR 0092) ----------------------


def _checkpoint_mac(seq: int, digest: str, at: str) -> str:
    key = settings.AUDIT_CHECKPOINT_KEY or settings.SECRET_KEY
    return salted_hmac(
        "congso.audit.checkpoint", f"{seq}:{digest}:{at}", secret=key, algorithm="sha256"
    ).hexdigest()


def audit_checkpoints() -> list[dict[str, Any]]:
    """The checkpoints written so far (oldest first); a line that does not parse is kept as
    ``{"bad": line}`` so verification reports it."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    points = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        try:
            point = json.loads(line)
            point["seq"], point["hash"], point["at"], point["mac"] = (
                int(point["seq"]),
                str(point["hash"]),
                str(point["at"]),
                str(point["mac"]),
            )
        except (ValueError, KeyError, TypeError):
            point = {"bad": line}
        points.append(point)
    return points


def _check_against_checkpoints(checked: int) -> ChainReport:
    points = audit_checkpoints()
    if not points:
        return ChainReport(checked)
    for point in points:
        if "bad" in point or not hmac.compare_digest(
            point["mac"], _checkpoint_mac(point["seq"], point["hash"], point["at"])
        ):
            return ChainReport(
                checked,
                point.get("seq", 0),
                "a checkpoint's signature does not match (forged checkpoint)",
            )
    hashes = dict(
        AuditEvent.objects.filter(seq__in=[p["seq"] for p in points]).values_list("seq", "hash")
    )
    for point in points:
        if point["seq"] > checked:
            return ChainReport(
                checked,
                checked + 1,
                f"events after #{checked} were deleted (checkpoint of {point['at']} saw #{point['seq']})",
            )
        if point["seq"] and hashes.get(point["seq"]) != point["hash"]:
            return ChainReport(
                checked, point["seq"], "the chain was rewritten (differs from a signed checkpoint)"
            )
    return ChainReport(checked)


@dataclass
class Checkpoint:
    seq: int
    hash: str
    at: str
    mac: str


def audit_checkpoint() -> Checkpoint:
    """Verify the chain and append a signed checkpoint of its head (sequence number and hash)
    to ``AUDIT_CHECKPOINT_FILE``, outside the database; later truncation of the table, even with
    the head row rewritten to match, then no longer verifies. Run periodically (the task worker
    does, see congso.audit.tasks) and by every backup (its manifest carries the checkpoint).
    Refuses to anchor a chain that does not verify."""
    report = audit_verify()
    if not report.ok:
        raise ValueError(f"audit chain broken at #{report.broken_seq}: {report.reason}")
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, digest = last if last else (0, GENESIS)
    at = timezone.now().astimezone(dt.UTC).isoformat()
    point = Checkpoint(seq, digest, at, _checkpoint_mac(seq, digest, at))
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as fh:
        fh.write(json.dumps(point.__dict__) + "\n")
    return point


def audit_trail(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).order_by("seq")
