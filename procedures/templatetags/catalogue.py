"""Template filters of the catalogue pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def dong(value) -> str:
    """50000 → '50.000' (Vietnamese thousands separator, whatever the active locale's grouping)."""
    try:
        amount = int(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    return f"{amount:,}".replace(",", ".")
