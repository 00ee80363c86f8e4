"""The management commands and writers of many dossiers: rebuild_stats, seed_bench (COPY), the demo history."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from dossiers.models import Dossier, Status
from reporting import selectors, stats
from reporting.checks import compare_with_direct
from reporting.models import DailyStat
from reporting.seed import seed_history
from tests.reporting.builders import make


def test_rebuild_stats_recomputes_what_the_receiver_kept(province, today, capsys):
    today("2026-04-15 10:00")
    make(province, received="2026-03-02", due="2026-03-10 17:00", resolved="2026-03-09 10:00")
    make(province, procedure=province.business, received="2026-03-03", due="2026-03-05 17:00")
    before = sorted(DailyStat.objects.values_list("slice__procedure_id", "day", "received", "left_pending"))
    DailyStat.objects.all().delete()  # lost rollups (e.g. restored from an older backup)
    call_command("rebuild_stats", "--check")
    out = capsys.readouterr().out
    assert "Đối chiếu: khớp." in out
    after = sorted(DailyStat.objects.values_list("slice__procedure_id", "day", "received", "left_pending"))
    assert after == before


def test_seed_bench_loads_with_copy_and_the_rollups_match(province, today):
    """A small load through the same code path as the 1 M / 10 M benchmark datasets."""
    from reporting.benchdata import seed_bench

    today("2026-04-15 10:00")
    report = seed_bench(dossiers=3000, seed=5, log=lambda line: None)
    assert report.dossiers == Dossier.objects.count() == 3000
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {Status.RETURNED, Status.PROCESSING, Status.WITHDRAWN} <= statuses
    assert Dossier.objects.filter(channel=3).exists() and Dossier.objects.filter(was_late=True).exists()
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert (
        compare_with_direct(
            periods=[stats.Period.month(2026, 2), stats.Period.month(2026, 3), stats.Period.month(2026, 4)]
        )
        == []
    )


def test_the_demo_history_is_imported_once(province, today):
    today("2026-04-15 10:00")
    lines: list[str] = []
    seed_history(lines.append)
    count = Dossier.objects.count()
    assert count == 2400
    seed_history(lines.append)
    assert Dossier.objects.count() == count
    assert lines[-1] == "Lịch sử hồ sơ: đã có, không thêm."
    year = selectors.totals(
        selectors.StatQuery(period=stats.Period(stats.Period.year(2025).start, stats.Period.year(2026).end))
    )
    assert year.received == count
    assert year.resolved_late > 0 and year.resolved_early > 0


@pytest.mark.parametrize("extra", [[], ["--reset"]], ids=["existing-data", "reset-refused"])
def test_seed_bench_refuses_to_touch_a_database_that_is_not_for_benchmarks(province, today, extra):
    from django.core.management.base import CommandError

    today("2026-04-15 10:00")
    make(province, received="2026-03-02", due="2026-03-10 17:00")
    with pytest.raises(CommandError):
        call_command("seed_bench", "--dossiers", "10", *extra)
    assert Dossier.objects.count() == 1
