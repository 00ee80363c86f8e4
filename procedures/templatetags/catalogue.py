"""Template filters of the catalogue pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, npgettext

register = template.Library()


@register.filter
def dong(value) -> str:
    """50000 → '50.000' in Vietnamese, '50,000' in English: an amount of đồng is whole, and a reader takes the
    separator of their own language for thousands (a dot in English would read as a decimal point)."""
    try:
        amount = int(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    grouped = f"{amount:,}"
    return grouped if (get_language() or "").startswith("en") else grouped.replace(",", ".")


@register.filter
def time_limit(value, unit: str) -> str:
    """A processing time and its unit: 3, "working_days" → "3 ngày làm việc" / "3 working days". English says
    "1 working day" but "0.5 working days": only exactly one is singular. The number is shown as the language writes
    it (0,5 / 0.5), never in exponent form."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    count = 1 if number == 1 else 2
    if unit == "working_hours":
        text = npgettext("time limit", "%(n)s giờ làm việc", "%(n)s giờ làm việc", count)
    elif unit == "calendar_days":
        text = npgettext("time limit", "%(n)s ngày", "%(n)s ngày", count)
    else:
        text = npgettext("time limit", "%(n)s ngày làm việc", "%(n)s ngày làm việc", count)
    return text % {"n": floatformat(number, -1)}
