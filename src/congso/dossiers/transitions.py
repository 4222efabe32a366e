"""Moved to ``workflow.py`` (the tables) and ``actions.py`` (the registry); kept so that code
written against the old module keeps importing. New code imports from those modules."""

from .workflow import (  # noqa: F401
    ACTION_LABELS,
    ACTION_STAGES,
    ACTIONS,
    EXTRA_LABELS,
    PREVIOUS,
    TRANSITIONS,
    allowed_actions,
    ensure_stage,
    history_label,
    next_status,
)
