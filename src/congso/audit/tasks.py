"""The periodic audit checkpoint (congso.core.tasks): the chain head signed into a file outside
the database every ``AUDIT_CHECKPOINT_MINUTES`` (ADR 0092)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from congso.core.tasks import job, periodic


@periodic(every=dt.timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES))
@job(retries=0)
def checkpoint() -> int:
    from .services import audit_checkpoint

    return audit_checkpoint().seq
