"""The documents module's background jobs (congso.core.tasks). Each is idempotent: indexing
replaces a document's index entry, the outbox copy overwrites the same file, reminders are
marked per day."""

from __future__ import annotations

import datetime as dt

from congso.core.tasks import job, periodic


@job()
def index_document(kind: str, pk: int) -> None:
    """Put a document (and the text of its files, OCR included) into the search index."""
    from .services import index_incoming, index_outgoing

    (index_incoming if kind == "incoming" else index_outgoing)(pk)


@job()
def write_edxml_outbox(path: str, recipient_pk: int) -> None:
    from .services import edxml_to_outbox

    edxml_to_outbox(path, recipient_pk)


@periodic(every=dt.timedelta(hours=1))
@job(retries=0)
def remind_overdue() -> int:
    """Remind the handlers of overdue incoming documents (each document once a day)."""
    from .services import incoming_remind_overdue

    return incoming_remind_overdue()
