"""Delivery of queued notifications (congso.core.tasks). The Notification rows are the outbox:
each is claimed with SKIP LOCKED and marked sent in the transaction that sent it. E-mail and SMS
are at-least-once: a worker killed after the gateway accepted a message and before the commit
sends that one message again. With NOTIFY_INLINE the request that queued a message delivers it
right after its commit; this drain sends what was left (worker mode, failures, a process that
died before delivering)."""

from __future__ import annotations

from congso.core.tasks import job, periodic


@periodic(every=10)
@job(retries=0)
def deliver_due() -> tuple[int, int]:
    from .services import notify_deliver

    return notify_deliver(limit=500)


@job(retries=0, priority=20)
def deliver(ids: list[int]) -> tuple[int, int]:
    """Send the given messages now (an urgent message: a verification code somebody waits
    for). A failure is recorded on the message and retried by ``deliver_due`` with backoff,
    not by re-running this job; a message already sent is skipped (idempotent)."""
    from .services import notify_deliver

    return notify_deliver(ids=ids)
