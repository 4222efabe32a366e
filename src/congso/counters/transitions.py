"""Allowed moves of a ticket, as data (STYLE: transitions as data; a test walks every pair)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import TicketStatus as S

# action → {from status: to status}
TRANSITIONS: dict[str, dict[str, str]] = {
    "check_in": {S.BOOKED: S.WAITING},
    "call": {S.WAITING: S.CALLED},
    # A recall repeats the call; a no-show may be recalled once (then it is called again).
    "recall": {S.CALLED: S.CALLED, S.NO_SHOW: S.CALLED},
    "start": {S.CALLED: S.SERVING},
    "skip": {S.CALLED: S.NO_SHOW},
    "finish": {S.SERVING: S.DONE},
    # Back into a queue (another group, or one counter), keeping its place.
    "transfer": {S.CALLED: S.WAITING, S.SERVING: S.WAITING},
}

# The statuses in which a ticket occupies its officer (one ticket at a time).
ACTIVE = (S.CALLED, S.SERVING)


def target(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status``, or a Vietnamese refusal."""
    moves = TRANSITIONS[action]
    if status not in moves:
        raise ValidationError(
            _("Phiếu đang ở trạng thái “%(status)s”, không thực hiện được thao tác này.")
            % {"status": S(status).label}
        )
    return moves[status]
