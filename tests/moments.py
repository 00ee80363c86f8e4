"""Moments on the Vietnamese clock, for tests that act on real dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# The smallest valid PDF, for attachments whose content does not matter to the test.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local moment in Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, hour, minute, tzinfo=VN)
