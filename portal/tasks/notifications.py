"""Celery tasks of the notification kernel: thin wrappers around ``portal.notifications.sending``."""

from __future__ import annotations

from celery import shared_task

SEND_TIME_LIMIT = 120  # seconds; the sweeper's sending_stale_after must stay well above it

__all__ = ["requeue_stale_messages", "send_message"]


@shared_task(
    name="portal.notifications.send_message",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=SEND_TIME_LIMIT - 10,
    time_limit=SEND_TIME_LIMIT,
)
def send_message(message_id: int) -> str:
    """Send one outbox row (it may already be sent or taken: then nothing happens)."""
    from portal.notifications import sending
    from portal.notifications.outbox import enqueue

    outcome = sending.deliver(message_id=message_id)
    if outcome.retry_in is not None:
        enqueue([message_id], countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="portal.notifications.requeue_stale", acks_late=True, ignore_result=True)
def requeue_stale_messages() -> int:
    """Beat timer: re-queue messages whose task was lost when a worker or the broker died."""
    from portal.notifications import sending

    return len(sending.requeue_stale())
