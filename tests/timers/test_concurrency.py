"""Timers racing each other and racing officers, on PostgreSQL with real transactions (each thread its own
connection): two runs at once send each reminder once; a dossier an officer is working on is not waited for, and
the next run catches it."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from dossiers import timers
from dossiers.models import Dossier, DossierEvent, Reminder
from portal.models import Message
from tests.timers.conftest import build_province, vn

pytestmark = pytest.mark.django_db(transaction=True)

SATURDAY = vn(2026, 11, 28, 8)  # dossiers received Monday 23/11 09:00 are due Friday 27/11 09:00


def in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(10)
            results[index] = work()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_two_overdue_sweeps_at_once_escalate_each_dossier_once():
    province = build_province()
    dossiers = [province.received(vn(2026, 11, 23, 9)) for _ in range(12)]
    reports = in_threads(2, lambda: timers.escalate_overdue(now=SATURDAY))
    assert sum(r.sent for r in reports) == len(dossiers)
    assert Counter(Reminder.objects.values_list("dossier_id", flat=True)) == Counter(d.pk for d in dossiers)
    assert DossierEvent.objects.filter(action="overdue").count() == len(dossiers)
    # Each dossier: one message to the specialist, one to the leader, one to the applicant.
    keys = list(
        Message.objects.filter(event__in=("officer.overdue", "dossier.overdue")).values_list("dedupe_key", flat=True)
    )
    assert len(keys) == len(set(keys)) == 3 * len(dossiers)
    assert set(Dossier.objects.values_list("was_late", flat=True)) == {True}


def test_a_dossier_an_officer_holds_is_skipped_then_caught_by_the_next_run():
    province = build_province()
    held_dossier, free_dossier = (province.received(vn(2026, 11, 23, 9)) for _ in range(2))
    locked, release = threading.Event(), threading.Event()

    def officer_at_work() -> None:
        try:
            with transaction.atomic():
                Dossier.objects.select_for_update().get(pk=held_dossier.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    officer = threading.Thread(target=officer_at_work)
    officer.start()
    try:
        assert locked.wait(10)
        busy = timers.escalate_overdue(now=SATURDAY)
    finally:
        release.set()
        officer.join(30)
    assert (busy.sent, busy.skipped) == (1, 1)
    assert list(Reminder.objects.values_list("dossier_id", flat=True)) == [free_dossier.pk]

    later = timers.escalate_overdue(now=vn(2026, 11, 28, 8, 15))
    assert (later.sent, later.skipped) == (1, 0)
    assert sorted(Reminder.objects.values_list("dossier_id", flat=True)) == sorted([held_dossier.pk, free_dossier.pk])
