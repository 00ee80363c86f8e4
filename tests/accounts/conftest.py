from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Rate-limit counters live in the shared cache (Redis): each test starts without them."""
    cache.clear()
    settings.NOTIFICATIONS_RECORD_DIR = str(tmp_path / "deliveries")
    settings.OTP_REQUIRED_FOR_OFFICERS = False
    settings.DEMO_MODE = False
    yield
    cache.clear()
