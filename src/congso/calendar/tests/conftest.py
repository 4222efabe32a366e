from __future__ import annotations

import pytest

from congso.calendar.services import calendar_cache_clear

from .factories import UnitFactory


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():  # type: ignore[no-untyped-def]
    # The cache is keyed by a token in the database, so this is belt and braces: each test
    # starts from a cold cache and cannot pass only thanks to an earlier test's warm one.
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def ward(db):  # type: ignore[no-untyped-def]
    return UnitFactory()


@pytest.fixture
def swaps(db):  # type: ignore[no-untyped-def]
    """The demo's 2025/2026 swap days as overrides."""
    from congso.calendar.demo import load

    load("2015")
