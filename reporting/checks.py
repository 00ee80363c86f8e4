"""Self-check of the rollups: the answers read from them against the definitions counted dossier by dossier."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from portal import clock
from portal.models import Agency
from reporting import selectors, services, stats


def compare_with_direct(*, periods: Iterable[stats.Period]) -> list[str]:
    """Lines describing every difference, per period, for the whole province and per competent agency."""
    with transaction.atomic():  # the snapshots stream through a server-side cursor
        facts = [f for f in map(stats.facts_of, services.dossier_snapshots()) if f is not None]
    by_agency: dict[int, list[stats.Facts]] = defaultdict(list)
    for f in facts:
        by_agency[f.key.agency_id].append(f)
    today = clock.today()
    out: list[str] = []
    for period in periods:
        query = selectors.StatQuery(period=period)
        expected = stats.count_directly(facts, period=period, today=today)
        got = selectors.totals(query, use_cache=False)
        if got.as_dict() != expected.as_dict():
            out.append(f"{period} toàn tỉnh: tổng hợp {got.as_dict()} ≠ trực tiếp {expected.as_dict()}")
        rows = {row.key: row.figures for row in selectors.statistics(query, group_by="agency", use_cache=False)}
        codes = dict(Agency.objects.filter(pk__in=list(by_agency)).values_list("pk", "code"))
        for agency_id, agency_facts in by_agency.items():
            direct = stats.count_directly(agency_facts, period=period, today=today)
            rolled = rows.get(codes[agency_id], stats.Figures())
            if direct.as_dict() != rolled.as_dict():
                out.append(f"{period} {codes[agency_id]}: tổng hợp {rolled.as_dict()} ≠ trực tiếp {direct.as_dict()}")
    return out
