"""Walk every pair of statuses against the transition tables."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from congso.documents.models import IncomingStatus, OutgoingStatus
from congso.documents.transitions import (
    INCOMING_TRANSITIONS,
    OUTGOING_TRANSITIONS,
    can_transition,
    ensure_transition,
)


@pytest.mark.parametrize(
    "table, statuses",
    [
        (INCOMING_TRANSITIONS, IncomingStatus),
        (OUTGOING_TRANSITIONS, OutgoingStatus),
    ],
)
def test_every_pair(table, statuses):
    assert set(table) == set(statuses.values)
    for old, new in itertools.product(statuses.values, repeat=2):
        allowed = new in table[old]
        assert can_transition(table, old, new) is allowed
        if allowed:
            ensure_transition(table, old, new, {})
        else:
            with pytest.raises(ValidationError):
                ensure_transition(table, old, new, dict(statuses.choices))


def test_final_states_have_no_way_out():
    assert INCOMING_TRANSITIONS[IncomingStatus.DONE] == set()
    assert OUTGOING_TRANSITIONS[OutgoingStatus.RECALLED] == set()
