from __future__ import annotations

import pytest

from portal import clock
from tests.reporting.builders import at, build_province


@pytest.fixture
def province(db):
    return build_province()


@pytest.fixture
def today():
    """Freeze the portal clock (every process) at a local moment: ``today("2026-04-15 10:00")``."""

    def freeze(text: str) -> None:
        clock.freeze(at(text))

    return freeze
