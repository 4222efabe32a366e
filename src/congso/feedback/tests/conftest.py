from __future__ import annotations

from importlib import import_module

import pytest


@pytest.fixture
def deadline_rules_v1(transactional_db):  # type: ignore[no-untyped-def]
    """The rule table's version 1 as its data migration writes it. A transactional test
    (live server, threads) runs after other transactional tests have flushed every table, the
    migration's rows included, so it seeds them again (the seed is idempotent)."""
    from django.apps import apps

    import_module("congso.feedback.migrations.0002_deadline_rules_v1").seed(apps, None)
