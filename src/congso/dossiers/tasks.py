"""The one-stop shop's background jobs (congso.core.tasks)."""

from __future__ import annotations

from congso.core.tasks import job, periodic


@periodic(every=30)
@job(retries=0)
def sync_national_portal() -> tuple[int, int]:
    """Send due jobs of the national-portal outbox (SyncJob rows; the portal's services are
    upserts keyed on the dossier code, so sending a job twice changes nothing there)."""
    from .sync import sync_run

    return sync_run(limit=500)
