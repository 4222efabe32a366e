"""Files written to storage inside a transaction that may still fail.

Storage is not transactional: a file saved inside ``transaction.atomic()`` stays when the
transaction rolls back, with no row pointing at it. Code that writes files calls
``file_written(field_file)`` after each save; a caller that owns the transaction wraps it in
``files_removed_on_failure()``, which deletes every file recorded inside it when the block
raises. Guards nest: the files of a block that succeeded are handed to the enclosing guard, so
a failure further out still removes them. Without a guard, ``file_written`` does nothing.

``delete_on_commit`` is the other half: a row deleted in a transaction loses its file only
once the deletion is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.files.storage import Storage
from django.db import transaction

logger = logging.getLogger(__name__)

_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "congso_written_files", default=None
)


def file_written(field_file: Any) -> None:
    """Record a file just saved to storage, to be removed if the enclosing guard fails."""
    pending = _written.get()
    if pending is not None and field_file.name:
        pending.append((field_file.storage, field_file.name))


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - best effort; the name is logged for a sweep
        logger.warning("could not delete %s", name)


@contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """Delete the files recorded inside the block when it raises (use around the
    transaction that would have kept them)."""
    parent = _written.get()
    mine: list[tuple[Storage, str]] = []
    token = _written.set(mine)
    try:
        yield
    except BaseException:
        for storage, name in mine:
            _delete(storage, name)
        raise
    else:
        if parent is not None:
            parent.extend(mine)
    finally:
        _written.reset(token)


def delete_on_commit(field_file: Any) -> None:
    """Remove a stored file once the current transaction commits (its row was deleted)."""
    if field_file.name:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: _delete(storage, name))
