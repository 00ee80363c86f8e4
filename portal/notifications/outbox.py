"""The one entry point that queues messages to a person: :func:`notify`.

Every message is stored first (the outbox, ``portal.models.Message``) in the caller's transaction, and handed to
Celery only once that transaction commits: a rolled-back change sends nothing, and a message whose hand-over was
lost (broker down, process killed) is found again by the sweeper (``sending.requeue_stale``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from portal import clock
from portal.accounts.validators import normalize_phone
from portal.models import Message, User

from .rendering import render_message

log = logging.getLogger("motcua.notifications")

Channel = Message.Channel
CHANNELS: tuple[str, ...] = tuple(Channel.values)
_MAX_KEY = 255 - len(":email")


def stored_key(dedupe_key: str, channel: str) -> str:
    """The unique key stored on one channel's row: the caller's key, hashed if too long, plus the channel."""
    if len(dedupe_key) > _MAX_KEY:
        dedupe_key = dedupe_key[: _MAX_KEY - 65] + "#" + hashlib.sha256(dedupe_key.encode()).hexdigest()
    return f"{dedupe_key}:{channel}"


def _trusted_contacts(user: User) -> bool:
    # Officers' contacts are entered by an administrator; citizens' must have been verified by a code.
    return bool(user.is_officer or user.is_staff)


def deliverable_address(user: User, channel: str) -> str | None:
    """The address of ``user`` on ``channel`` if messages may go there (a verified contact), else None."""
    trusted = _trusted_contacts(user)
    if channel == Channel.EMAIL:
        return user.email if user.email and (user.email_verified_at or trusted) else None
    if channel in (Channel.SMS, Channel.ZALO):
        return user.phone if user.phone and (user.phone_verified_at or trusted) else None
    raise ValueError(f"Unknown channel {channel!r}")


def chosen_channels(user: User) -> list[str]:
    chosen = []
    if user.notify_by_email:
        chosen.append(Channel.EMAIL)
    if user.notify_by_sms:
        chosen.append(Channel.SMS)
    if user.notify_by_zalo:
        chosen.append(Channel.ZALO)
    return chosen


def _routes(user: User | None, channels: Sequence[str] | None, to: str | None) -> list[tuple[str, str]]:
    """(channel, address) pairs the message goes to."""
    if channels is not None:
        unknown = set(channels) - set(CHANNELS)
        if unknown:
            raise ValueError(f"Unknown channel(s) {sorted(unknown)!r}")
    if to:
        if channels is None:
            channels = [Channel.EMAIL if "@" in to else Channel.SMS]
        if len(channels) != 1:
            raise ValueError("`to` names one address: give exactly one channel with it.")
        channel = channels[0]
        address = to.strip().lower() if channel == Channel.EMAIL else normalize_phone(to)
        return [(channel, address)]
    if user is None:
        raise ValueError("notify() needs a user, or `to` with an address.")
    wanted = list(channels) if channels is not None else chosen_channels(user)
    routes = [(c, a) for c in wanted if (a := deliverable_address(user, c))]
    if not routes and channels is None:
        # The person chose channels we cannot use yet (a phone not verified): use any verified contact instead,
        # so that a dossier's news never silently goes nowhere.
        for channel in (Channel.EMAIL, Channel.SMS):
            address = deliverable_address(user, channel)
            if address:
                routes = [(channel, address)]
                break
    return routes


def notify(
    *,
    user: User | None,
    event: str,
    context: dict[str, Any],
    channels: Sequence[str] | None = None,
    dedupe_key: str,
    reference: str = "",
    to: str | None = None,
) -> list[Message]:
    """Store one message per channel for ``event`` and send them after the current transaction commits.

    ``channels`` None means the channels the user chose (among their verified contacts); ``to`` overrides the
    address (e.g. a new e-mail address being verified). The same ``dedupe_key`` twice stores nothing new and
    returns the messages stored the first time, so a retried caller never sends twice.
    """
    if not dedupe_key:
        raise ValueError("notify() needs a dedupe_key.")
    existing = list(Message.objects.filter(dedupe_key__in=[stored_key(dedupe_key, c) for c in CHANNELS]))
    if existing:
        return existing
    routes = _routes(user, channels, to)
    if not routes:
        log.info("notification %s for user %s has no deliverable channel", event, getattr(user, "pk", None))
        return []
    now = clock.now()
    language = (user.language if user else "") or settings.LANGUAGE_CODE
    base_context = {"user": user, **context}
    rows = []
    for channel, address in routes:
        text = render_message(event=event, channel=channel, context=base_context, language=language)
        rows.append(
            Message(
                user=user,
                channel=channel,
                recipient=address,
                event=event,
                reference=reference[:80],
                dedupe_key=stored_key(dedupe_key, channel),
                subject=text.subject,
                body=text.body,
                enqueued_at=now,
            )
        )
    # ON CONFLICT DO NOTHING: a concurrent caller with the same key waits for ours and then inserts nothing,
    # without aborting the caller's transaction.
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    messages = list(Message.objects.filter(dedupe_key__in=[row.dedupe_key for row in rows]).order_by("pk"))
    pending_ids = [m.pk for m in messages if m.status == Message.Status.PENDING]
    transaction.on_commit(lambda: enqueue(pending_ids), robust=True)
    return messages


def enqueue(message_ids: Iterable[int], *, countdown: int | None = None) -> None:
    """Hand messages to Celery. A failure here loses nothing: the sweeper re-queues pending rows."""
    import portal.celery  # noqa: F401  (makes the project's Celery app current in web processes)
    from portal.tasks.notifications import send_message

    for message_id in message_ids:
        try:
            send_message.apply_async((message_id,), countdown=countdown)
        except Exception:  # the broker is down: the sweeper will find the row
            log.warning("could not enqueue message %s; the sweeper will re-queue it", message_id, exc_info=True)
