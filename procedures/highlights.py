"""The catalogue's block on the home page: the sectors with most procedures (registered in apps.py)."""

from __future__ import annotations

from django.http import HttpRequest

from procedures import selectors


def popular_sectors_section(request: HttpRequest) -> dict | None:
    sectors = selectors.popular_sectors(limit=8)
    if not sectors:
        return None
    return {"template": "procedures/home_sectors.html", "sectors": sectors, "totals": selectors.catalogue_totals()}
