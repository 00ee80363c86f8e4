"""A simulated week with real parts (issue 5 point 7): a Celery worker **and beat** against Redis and PostgreSQL run
the SLA timers while the test moves the clock of every process (``portal.clock.freeze``) through Monday 23/11 to
Monday 30/11/2026 (Tuesday 24/11 is Ngày Văn hóa Việt Nam, a public holiday). At each step the right reminders go
out, and only them; in the middle of the week the worker is killed (SIGKILL) during a batch of overdue escalations,
restarted, and at the end every message has been delivered exactly once (issue 5, Done; Open Forms #2198).

The dossiers, all received (or submitted) on Monday 23/11 at 09:00:

* A — submitted online, never checked by the desk (desk due Wed 25/11 09:00);
* B — 3 working days, assigned to the specialist: due Fri 27/11 09:00;
* C — 3 working days, resolved on Monday afternoon: no reminder at all;
* D — 3 working days, supplement asked Mon 10:00 and answered Wed 10:00: restarted, due Mon 30/11 10:00;
* E1…E30 — 1 working day, nobody assigned: due Wed 25/11 09:00, overdue from Thursday.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from dossiers import timers
from dossiers.models import DossierEvent, Reminder
from portal import clock
from portal.models import Message
from portal.notifications.channels.contrib.record import recorded_deliveries
from tests.timers.conftest import build_province, vn

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BULK = 30
TIMER_TASKS = {
    "desk_checks": "dossiers.tasks.remind_desk_checks",
    "desk_escalations": "dossiers.tasks.escalate_desk_checks",
    "near_due": "dossiers.tasks.warn_near_due",
    "apology_slips": "dossiers.tasks.remind_apology_slips",
    "overdue": "dossiers.tasks.escalate_overdue",
    "supplement_reviews": "dossiers.tasks.remind_supplement_reviews",
    "digests": "dossiers.tasks.send_leader_digests",
}
# Beat on a short interval: every timer, and the outbox sweeper, every second.
SCHEDULE = {
    **{name: {"task": task, "schedule": 1.0} for name, task in TIMER_TASKS.items()},
    "requeue-stale": {"task": "portal.notifications.requeue_stale", "schedule": 1.0},
}
# Every channel goes to the recording stand-in, which answers 40 ms after it has recorded a delivery: a kill often
# lands between the delivery and the outbox update, the window in which a naive retry would deliver twice.
WORKER_SETTINGS = {
    "NOTIFICATION_BACKENDS": {"email": "record", "sms": "record", "zalo": "record"},
    "NOTIFICATIONS_RECORD_LATENCY_MS": 40,
}
WATCHED = ("officer.", "dossier.overdue")

LAN, MINH, HUNG, DUNG, BINH, AN = (
    "Nguyễn Thị Lan",
    "Trần Văn Minh",
    "Lê Văn Hùng",
    "Phạm Quốc Dũng",
    "Võ Thị Bình",
    "Huỳnh Văn An",
)


def watched() -> Counter:
    """(event, recipient, reference) of every timer message and overdue notice stored so far."""
    rows = Message.objects.filter(event__startswith="officer.") | Message.objects.filter(event="dossier.overdue")
    return Counter(rows.values_list("event", "user__full_name", "reference"))


def all_sent() -> bool:
    return not Message.objects.exclude(status=Message.Status.SENT).exists()


def timers_ran_at(moment: datetime) -> bool:
    return all((last := timers.last_run(name)) is not None and last >= moment for name in TIMER_TASKS)


def test_a_simulated_week_sends_the_right_reminders_once_and_survives_a_worker_killed_mid_batch(celery_processes):
    # ------------------------------------------------------------------ Monday: the dossiers come in
    clock.freeze(vn(2026, 11, 23, 9))
    province = build_province()
    a = province.submitted(vn(2026, 11, 23, 9))
    b = province.received(vn(2026, 11, 23, 9))
    c = province.received(vn(2026, 11, 23, 9))
    d = province.received(vn(2026, 11, 23, 9))
    bulk = [province.received(vn(2026, 11, 23, 9), version=province.short_version, assign=False) for _ in range(BULK)]
    clock.freeze(vn(2026, 11, 23, 10))
    d = province.ask_supplement(d, vn(2026, 11, 23, 10))
    clock.freeze(vn(2026, 11, 23, 15))
    province.propose(c, vn(2026, 11, 23, 15))
    province.approve(c, vn(2026, 11, 23, 15))

    expected: Counter = Counter()

    def step(moment: datetime, *new: tuple[str, str, str], times: int = 1) -> None:
        clock.freeze(moment)
        for item in new:
            expected[item] += times
        celery_processes.wait_for(lambda: timers_ran_at(moment), timeout=90, interval=0.2)
        celery_processes.wait_for(lambda: watched() == expected and all_sent(), timeout=120, interval=0.2)

    celery_processes.start_worker(concurrency=2, settings=WORKER_SETTINGS)
    celery_processes.start_beat(schedule=SCHEDULE, settings=WORKER_SETTINGS)

    # Mon 15:00 — the one-day dossiers are due Wed 09:00: 3.5 working hours left (Tuesday is off).
    step(vn(2026, 11, 23, 15), *[("officer.near_due", DUNG, e.code) for e in bulk])
    # Mon 16:30 — two working hours before A's desk deadline.
    ref_a = f"#{a.pk}"
    step(vn(2026, 11, 23, 16, 30), ("officer.desk_check_due", LAN, ref_a), ("officer.desk_check_due", MINH, ref_a))
    # Tue 24/11 — a public holiday: nothing new.
    step(vn(2026, 11, 24, 10))
    # Wed 07:00 — the department's leader's digest (30 due today); the centre has nothing to report yet.
    step(vn(2026, 11, 25, 7), ("officer.daily_digest", DUNG, province.department.code))
    # Wed 09:00 — A unchecked past its desk deadline; B two working days before due: the apology reminder.
    step(
        vn(2026, 11, 25, 9),
        ("officer.desk_check_overdue", HUNG, ref_a),
        ("officer.apology_due", DUNG, b.code),
        ("officer.apology_due", BINH, b.code),
    )
    # Wed 10:00 — the applicant answers D's supplement: the clock restarts (due Mon 30/11 10:00).
    clock.freeze(vn(2026, 11, 25, 10))
    d = province.answer_supplement(d, vn(2026, 11, 25, 10))
    assert d.due_at == vn(2026, 11, 30, 10)
    step(vn(2026, 11, 25, 10))

    # Thu 00:30 — the thirty one-day dossiers are overdue: a batch of 60 messages. Kill the worker in the middle.
    clock.freeze(vn(2026, 11, 26, 0, 30))
    overdue_refs = {e.code for e in bulk}

    def overdue_delivered() -> int:
        return sum(1 for x in recorded_deliveries() if x["reference"] in overdue_refs and "overdue" in x["event"])

    celery_processes.wait_for(lambda: overdue_delivered() >= BULK // 2, timeout=120, interval=0.02)
    celery_processes.kill_worker()
    delivered_at_kill = overdue_delivered()
    assert delivered_at_kill < 2 * BULK, "the batch finished before the kill: nothing was tested"
    for e in bulk:
        expected[("officer.overdue", DUNG, e.code)] += 1
        expected[("dossier.overdue", AN, e.code)] += 1

    # Thu 07:00 — a new worker; the rows the dead one held are stale now and go out again, once.
    clock.freeze(vn(2026, 11, 26, 7))
    celery_processes.start_worker(concurrency=2, settings=WORKER_SETTINGS)
    step(
        vn(2026, 11, 26, 7),
        ("officer.daily_digest", DUNG, province.department.code),
        ("officer.daily_digest", HUNG, province.desk.code),
    )
    # Thu 09:00 — B one working day before due.
    step(vn(2026, 11, 26, 9), ("officer.near_due", BINH, b.code), ("officer.near_due", DUNG, b.code))
    # Thu 10:00 — D supplemented a working day ago and nobody acted; and two working days before its new due date.
    step(
        vn(2026, 11, 26, 10),
        ("officer.supplement_review", BINH, d.code),
        ("officer.apology_due", DUNG, d.code),
        ("officer.apology_due", BINH, d.code),
    )
    # Fri 10:00 — D one working day before due; Friday's digests.
    step(
        vn(2026, 11, 27, 10),
        ("officer.near_due", BINH, d.code),
        ("officer.near_due", DUNG, d.code),
        ("officer.daily_digest", DUNG, province.department.code),
        ("officer.daily_digest", HUNG, province.desk.code),
    )
    # Sat 00:30 — B overdue; the applicant is told.
    step(
        vn(2026, 11, 28, 0, 30),
        ("officer.overdue", BINH, b.code),
        ("officer.overdue", DUNG, b.code),
        ("dossier.overdue", AN, b.code),
    )
    # Sunday: nothing. Mon 30/11 07:00 — the week's last digests.
    step(vn(2026, 11, 29, 12))
    step(
        vn(2026, 11, 30, 7),
        ("officer.daily_digest", DUNG, province.department.code),
        ("officer.daily_digest", HUNG, province.desk.code),
    )

    # ------------------------------------------------------------------ exactly once, end to end
    assert watched() == expected
    messages = list(Message.objects.all())
    assert all(m.status == Message.Status.SENT for m in messages)
    deliveries = Counter(x["message_id"] for x in recorded_deliveries())
    assert set(deliveries) == {m.pk for m in messages}
    assert max(deliveries.values()) == 1
    assert Reminder.objects.filter(dossier=c).count() == 0
    assert Counter(Reminder.objects.values_list("kind", flat=True)) == {
        "near_due": BULK + 2,
        "desk_check": 1,
        "desk_overdue": 1,
        "apology_due": 2,
        "overdue": BULK + 1,
        "supplement_review": 1,
    }
    assert DossierEvent.objects.filter(action="overdue").count() == BULK + 1
