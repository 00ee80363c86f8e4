"""Formatting of statistics in templates: rates as percentages, counts with thousands separators."""

from __future__ import annotations

from django import template

from reporting import formatting

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.9734 → "97,3 %" (localised); None (divisor 0) → "—"."""
    return formatting.percent(value)


@register.filter
def count(value: int | None) -> str:
    return formatting.count(value)
