"""Two officers acting at once: exactly one wins, the other gets a clear refusal (DESIGN §4, STYLE "Races")."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from dossiers import workflow
from dossiers.models import Dossier, DossierEvent, Status
from portal.exceptions import ConcurrentChange, InvalidTransition
from tests.workflow.conftest import vn

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _run_in_threads(count: int, job):
    barrier = threading.Barrier(count)

    def worker(index: int):
        try:
            barrier.wait()
            return "ok", job(index)
        except (ConcurrentChange, InvalidTransition) as exc:
            return "refused", exc.message
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_two_officers_accepting_one_dossier_one_wins_the_other_is_told_why(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.submitted()
    with at(vn(2026, 11, 23, 9)):
        outcomes = _run_in_threads(2, lambda _i: workflow.accept(Dossier.objects.get(pk=dossier.pk), by=world.receiver))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"]
    refusal = next(message for kind, message in outcomes if kind == "refused")
    assert "cán bộ khác" in refusal or "Đã tiếp nhận" in refusal
    assert DossierEvent.objects.filter(dossier_id=dossier.pk, action="accept").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_parallel_acceptances_get_consecutive_codes_without_duplicates_or_gaps(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossiers = [world.submitted() for _ in range(24)]

    def accept(index: int) -> str:
        # A refused lock is retried, as the desk page does when the officer clicks again.
        while True:
            try:
                return workflow.accept(Dossier.objects.get(pk=dossiers[index].pk), by=world.receiver).code
            except ConcurrentChange:
                continue

    with at(vn(2026, 11, 23, 9)):
        outcomes = _run_in_threads(8, lambda i: [accept(j) for j in range(i, len(dossiers), 8)])
    codes = sorted(code for kind, batch in outcomes for code in batch if kind == "ok")
    assert codes == [f"000.00.01.H41-261123-{n:04d}" for n in range(1, 25)]
