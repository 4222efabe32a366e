"""The portal's scheduled work (congso.core.tasks): publishing and unpublishing on time,
through Wagtail's own publish_scheduled logic, run by the task worker — no cron."""

from __future__ import annotations

import datetime as dt

from congso.core.tasks import job, periodic


@periodic(every=dt.timedelta(minutes=1))
@job(retries=0)
def publish_scheduled() -> None:
    """Publish revisions whose time has come and unpublish expired pages (idempotent: what is
    done is no longer due)."""
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
