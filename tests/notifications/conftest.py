from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _record_dir(settings, tmp_path):
    """The recording channel writes into the test's own folder, never var/."""
    settings.NOTIFICATIONS_RECORD_DIR = str(tmp_path / "deliveries")
    settings.NOTIFICATIONS_RECORD_LATENCY_MS = 0
    return tmp_path / "deliveries"
