"""Allowed status changes of incoming and outgoing documents, as data (walked by a test)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import IncomingStatus as In
from .models import OutgoingStatus as Out

INCOMING_TRANSITIONS: dict[str, set[str]] = {
    In.REGISTERED: {In.PRESENTED, In.DIRECTED, In.REFUSED, In.RECALLED},
    In.PRESENTED: {In.DIRECTED, In.RECALLED},
    In.DIRECTED: {In.IN_PROGRESS, In.DONE, In.RECALLED},
    In.IN_PROGRESS: {In.DONE, In.RECALLED},
    In.DONE: set(),
    In.REFUSED: set(),
    In.RECALLED: set(),
}

OUTGOING_TRANSITIONS: dict[str, set[str]] = {
    Out.DRAFT: {Out.IN_REVIEW, Out.APPROVED},
    Out.IN_REVIEW: {Out.DRAFT, Out.APPROVED},
    Out.APPROVED: {Out.SIGNED, Out.DRAFT},
    Out.SIGNED: {Out.ISSUED},
    Out.ISSUED: {Out.RECALL_REQUESTED},
    Out.RECALL_REQUESTED: {Out.RECALLED, Out.ISSUED},
    Out.RECALLED: set(),
}

# Incoming statuses on which handling is still open (overdue tracking, merges).
INCOMING_OPEN = {In.REGISTERED, In.PRESENTED, In.DIRECTED, In.IN_PROGRESS}


def can_transition(table: dict[str, set[str]], current: str, new: str) -> bool:
    return new in table.get(current, set())


def ensure_transition(
    table: dict[str, set[str]], current: str, new: str, labels: Mapping[str, Any]
) -> None:
    """Raise a Vietnamese ValidationError unless ``current`` → ``new`` is in ``table``."""
    if not can_transition(table, current, new):
        raise ValidationError(
            _("Không thể chuyển văn bản từ trạng thái “%(old)s” sang “%(new)s”.")
            % {"old": labels.get(current, current), "new": labels.get(new, new)}
        )
