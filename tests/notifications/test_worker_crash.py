"""Exactly-once delivery with real processes: a Celery worker is killed (SIGKILL) in the middle of a batch of sends,
then restarted with the beat sweeper; every message is delivered, and none twice (issue 2 point 8; Open Forms #2198).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from portal import clock
from portal.models import Message
from portal.notifications import notify
from portal.notifications.channels.contrib.record import recorded_deliveries
from portal.notifications.sending import delivery_key
from tests.factories import UserFactory

BATCH = 120
SWEEP_EVERY_SECOND = {"sweep": {"task": "portal.notifications.requeue_stale", "schedule": 1.0}}


def queue_batch() -> list[Message]:
    now = timezone.now()
    users = [
        UserFactory(phone=f"09{n:08d}", phone_verified_at=now, notify_by_email=False, notify_by_sms=True)
        for n in range(BATCH // 2)
    ]
    messages = []
    for n in range(BATCH):
        messages += notify(
            user=users[n % len(users)],
            event="accounts.password_changed",
            context={"reason": "change", "at": now},
            dedupe_key=f"crash-test:{n}",
        )
    return messages


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_batch_then_restarting_delivers_every_message_exactly_once(celery_processes):
    # The stand-in provider takes 40 ms to answer, after it has recorded the message: a kill often lands between a
    # delivery and the outbox update, the window that a naive retry would deliver twice.
    slow = {"NOTIFICATIONS_RECORD_LATENCY_MS": 40}
    messages = queue_batch()
    assert len(messages) == BATCH  # all queued (on commit) before any worker runs

    celery_processes.start_worker(concurrency=2, settings=slow)
    celery_processes.wait_for(lambda: len(recorded_deliveries("sms")) >= BATCH // 4, timeout=60, interval=0.02)
    celery_processes.kill_worker()

    at_kill = Counter(Message.objects.values_list("status", flat=True))
    delivered_at_kill = len(recorded_deliveries("sms"))
    assert at_kill[Message.Status.SENT] < BATCH, "the batch finished before the kill: nothing was tested"
    assert delivered_at_kill < BATCH

    # Later: the rows the dead worker held are stale for the sweeper (the clock of every process moves with it).
    clock.freeze(timezone.now() + timedelta(hours=1))
    celery_processes.start_worker(concurrency=2, settings=slow)
    celery_processes.start_beat(schedule=SWEEP_EVERY_SECOND)
    celery_processes.wait_for(
        lambda: Message.objects.filter(status=Message.Status.SENT).count() == BATCH, timeout=120, interval=0.2
    )

    deliveries = recorded_deliveries("sms")
    per_message = Counter(d["message_id"] for d in deliveries)
    assert len(deliveries) == BATCH
    assert set(per_message) == {m.pk for m in messages}
    assert max(per_message.values()) == 1
    for message in Message.objects.all():
        assert message.provider_id == f"record:sms:{delivery_key(message)}"
    assert not Message.objects.exclude(status=Message.Status.SENT).exists()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_what_a_committed_transaction_queued(celery_processes):
    celery_processes.start_worker(concurrency=1)
    user = UserFactory(email="an@example.vn", email_verified_at=timezone.now())
    (message,) = notify(
        user=user,
        event="accounts.password_changed",
        context={"reason": "change", "at": timezone.now()},
        dedupe_key="w1",
    )
    celery_processes.wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT, timeout=30)
    (mail_file,) = list(celery_processes.mail_dir.iterdir())
    text = mail_file.read_text()
    assert f"Message-ID: <{delivery_key(message)}@dichvucong.local>" in text
    assert "an@example.vn" in text
