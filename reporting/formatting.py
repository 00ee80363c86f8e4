"""Numbers as people read them (Vietnamese: 1.234 and 97,3 %), fast: a dashboard formats thousands of cells."""

from __future__ import annotations

from django.utils import formats

from reporting import stats


def separators() -> tuple[str, str]:
    """(thousands, decimal) of the active language."""
    return formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("DECIMAL_SEPARATOR")


def count(value: int | None, seps: tuple[str, str] | None = None) -> str:
    if value is None:
        return "—"
    thousands, _decimal = seps or separators()
    return f"{value:,}".replace(",", thousands)


def percent(value: float | None, seps: tuple[str, str] | None = None) -> str:
    """0.9734 → "97,3 %"; None (the divisor was 0) → "—"."""
    if value is None:
        return "—"
    _thousands, decimal = seps or separators()
    return f"{value * 100:.1f}".replace(".", decimal) + " %"


# The columns of the HTML tables (the exports carry every field of point 2).
TABLE_COLUMNS = (
    "received",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_overdue",
    "on_time_rate",
    "resolution_rate",
    "online_share",
)


def cells(figures: stats.Figures, *, postal: bool = False, seps: tuple[str, str] | None = None) -> list[str]:
    seps = seps or separators()
    columns = TABLE_COLUMNS + (("returned_postal",) if postal else ())
    out = []
    for name in columns:
        value = getattr(figures, name)
        out.append(percent(value, seps) if name in stats.RATE_FIELDS else count(value, seps))
    return out
