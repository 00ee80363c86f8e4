"""Statistics shown on other apps' pages, contributed by registration: the home page's province-wide figures and
the procedure detail page's usage and on-time counts (Bình Định 44/2019 art 5.1). Same selector as the dashboard."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest

from portal import clock
from reporting import selectors, stats


def year_to_date() -> stats.Period:
    today = clock.today()
    return stats.Period(date(today.year, 1, 1), today)


def home_section(request: HttpRequest) -> dict | None:
    """Province-wide figures of the year so far (Long An 30/2019 art 11.2.a)."""
    period = year_to_date()
    figures = selectors.totals(selectors.StatQuery(period=period))
    if figures.is_empty:
        return None
    return {"template": "reporting/home_section.html", "figures": figures, "period": period}


def procedure_usage(request: HttpRequest, *, procedure, version=None, **context) -> dict | None:
    """How often the procedure is used and how many of its dossiers were resolved early, on time or late, this
    year and last year (Bình Định 44/2019 art 5.1: for every online service of level 3 and above)."""
    this_year = year_to_date()
    last_year = stats.Period.year(this_year.start.year - 1)
    rows = []
    for period in (this_year, last_year):
        figures = selectors.totals(selectors.StatQuery(period=period, procedure=procedure))
        rows.append({"period": period, "figures": figures})
    if all(row["figures"].is_empty for row in rows) and (procedure.service_level or 0) < 3:
        return None
    return {"template": "reporting/procedure_section.html", "rows": rows, "procedure": procedure}


def register_procedure_section() -> None:
    """Fill the catalogue's detail-page slot (procedures never imports reporting)."""
    from procedures import hooks

    hooks.register_detail_section("usage", procedure_usage, order=40)
