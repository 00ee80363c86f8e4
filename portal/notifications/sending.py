"""Sending stored messages: claim a row, hand it to its channel plugin, record the outcome; and the sweeper.

The life of an outbox row::

    pending ──claim (one worker wins)──▶ sending ──provider took it──▶ sent
       ▲                                    │
       └──temporary failure, with a delay───┤──final failure, or attempts used up──▶ failed
       └──sweeper: worker died mid-send─────┘

A worker may die at any point (Open Forms #2198: pending work lost after a Celery restart). Celery redelivers
unacknowledged tasks (acks late), and the sweeper re-queues rows left pending or stuck in sending; the claim makes
duplicate tasks harmless, and the plugins' idempotency keys make a re-send after a crash deliver nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from portal import clock
from portal.models import Message

from .channels.base import Delivery, PermanentFailure, TemporaryFailure
from .channels.registry import plugin_for

log = logging.getLogger("motcua.notifications")
Status = Message.Status


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempt: int) -> int:
    """Seconds before attempt ``attempt + 1``: 1, 4, 16, 64 minutes… capped at 4 hours."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "NOTIFICATIONS_RETRY_MAX_SECONDS", 4 * 3600)
    return int(min(base * 4 ** max(attempt - 1, 0), cap))


def pending_stale_after() -> timedelta:
    """A pending row untouched this long lost its task (never enqueued, or taken by a worker that died)."""
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_PENDING_STALE_SECONDS", 15 * 60))


def sending_stale_after() -> timedelta:
    """A row in sending this long belongs to a dead worker. Keep it well above the send task's time limit."""
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_SENDING_STALE_SECONDS", 10 * 60))


def delivery_key(message: Message) -> str:
    """Stable for a row, unique across databases (ids restart when a demo database is recreated)."""
    return f"motcua.{message.pk}.{message.created_at:%Y%m%d%H%M%S%f}"


def delivery_for(message: Message) -> Delivery:
    return Delivery(
        message_id=message.pk,
        key=delivery_key(message),
        channel=message.channel,
        to=message.recipient,
        subject=message.subject,
        body=message.body,
        event=message.event,
        reference=message.reference,
    )


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "failed", "retry", "skipped"
    retry_in: int | None = None


def claim(message_id: int, *, at: datetime) -> bool:
    """Take the row for this worker: pending → sending, in one conditional UPDATE (exactly one claimer wins)."""
    return bool(
        Message.objects.filter(pk=message_id, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=at, attempts=F("attempts") + 1
        )
    )


def deliver(*, message_id: int) -> Outcome:
    """Send one stored message if it is still pending. Safe to call any number of times, from any process."""
    claimed_at = clock.now()
    if not claim(message_id, at=claimed_at):
        return Outcome("skipped")
    message = Message.objects.get(pk=message_id)
    ours = Message.objects.filter(pk=message_id, status=Status.SENDING, claimed_at=claimed_at)
    try:
        receipt = plugin_for(message.channel).send(delivery_for(message))
    except PermanentFailure as exc:
        ours.update(status=Status.FAILED, last_error=exc.detail[:2000])
        log.warning("message %s failed for good: %s", message_id, exc.detail)
        return Outcome("failed")
    except Exception as exc:
        detail = exc.detail if isinstance(exc, TemporaryFailure) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, TemporaryFailure):
            log.exception("message %s: unexpected error in the channel plugin", message_id)
        if message.attempts >= max_attempts():
            ours.update(status=Status.FAILED, last_error=detail[:2000])
            return Outcome("failed")
        delay = retry_delay(message.attempts)
        ours.update(status=Status.PENDING, last_error=detail[:2000], enqueued_at=clock.now() + timedelta(seconds=delay))
        return Outcome("retry", retry_in=delay)
    ours.update(status=Status.SENT, sent_at=clock.now(), provider_id=receipt.provider_id[:120], last_error="")
    return Outcome("sent")


def requeue_stale(*, limit: int = 500) -> list[int]:
    """Re-queue rows whose task was lost: pending and untouched for long, or stuck in sending (dead worker).

    Bounded (``limit`` rows of each kind per run) and idempotent: running it twice, late or concurrently only
    queues duplicate tasks, which the claim turns into no-ops. Returns the ids queued.
    """
    now = clock.now()
    stuck = list(
        Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - sending_stale_after())
        .order_by("claimed_at")
        .values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        still_stuck = Message.objects.filter(
            pk__in=stuck, status=Status.SENDING, claimed_at__lt=now - sending_stale_after()
        )
        still_stuck.filter(attempts__gte=max_attempts()).update(
            status=Status.FAILED, last_error="Tiến trình gửi bị dừng giữa chừng quá nhiều lần."
        )
        revived = list(still_stuck.values_list("pk", flat=True))
        Message.objects.filter(pk__in=revived).update(status=Status.PENDING, enqueued_at=now)
    lost = list(
        Message.objects.filter(status=Status.PENDING)
        .filter(Q(enqueued_at__lt=now - pending_stale_after()) | Q(enqueued_at__isnull=True))
        .order_by("enqueued_at")
        .values_list("pk", flat=True)[:limit]
    )
    Message.objects.filter(pk__in=lost, status=Status.PENDING).update(enqueued_at=now)
    queued = revived + [pk for pk in lost if pk not in revived]
    if queued:
        from .outbox import enqueue

        log.info(
            "re-queued %s message(s): %s revived from sending, %s lost while pending",
            len(queued),
            len(revived),
            len(lost),
        )
        transaction.on_commit(lambda: enqueue(queued))
    return queued
