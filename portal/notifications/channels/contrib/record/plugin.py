"""A faithful local stand-in for an SMS or Zalo provider: it records each delivery once, keyed by the message.

Each delivery is one JSON file ``<NOTIFICATIONS_RECORD_DIR>/<channel>/<key>.json``, published with an atomic
``link()``, so that a second send of the same message (the worker died before the outbox row was marked sent)
finds the first one and is answered as a duplicate, as a real gateway does with its request id. Deliveries are kept
across restarts of the portal; the key includes the outbox row's creation time, so a new database never collides
with an old record.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings

from portal import clock
from portal.notifications.channels.base import ChannelPlugin, Delivery, Receipt, TemporaryFailure
from portal.notifications.channels.registry import register


def record_dir() -> Path:
    return Path(getattr(settings, "NOTIFICATIONS_RECORD_DIR", Path(settings.VAR_DIR) / "deliveries"))


@register("record")
class RecordPlugin(ChannelPlugin):
    verbose_name = "Ghi lại (thay cho nhà cung cấp SMS/Zalo)"
    channels = frozenset({"sms", "zalo", "email"})

    def send(self, delivery: Delivery) -> Receipt:
        folder = record_dir() / delivery.channel
        final = folder / f"{delivery.key}.json"
        provider_id = f"record:{delivery.channel}:{delivery.key}"
        if final.exists():
            return Receipt(provider_id=provider_id, duplicate=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            payload = {
                "message_id": delivery.message_id,
                "key": delivery.key,
                "channel": delivery.channel,
                "to": delivery.to,
                "subject": delivery.subject,
                "body": delivery.body,
                "event": delivery.event,
                "reference": delivery.reference,
                "delivered_at": clock.now().isoformat(),
                "pid": os.getpid(),
            }
            temporary = folder / f".{delivery.key}.{uuid.uuid4().hex}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, final)  # atomic and exclusive: exactly one sender publishes this key
                duplicate = False
            except FileExistsError:
                duplicate = True
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}"[:500]) from exc
        # A real provider answers after it has taken the message; the answer can be lost if the worker dies now.
        latency = getattr(settings, "NOTIFICATIONS_RECORD_LATENCY_MS", 0)
        if latency:
            time.sleep(latency / 1000)
        return Receipt(provider_id=provider_id, duplicate=duplicate)


def recorded_deliveries(channel: str | None = None) -> list[dict[str, Any]]:
    """Every delivery the stand-in recorded (oldest first), for the demo mailbox and the tests."""
    root = record_dir()
    folders = [root / channel] if channel else ([p for p in root.iterdir() if p.is_dir()] if root.exists() else [])
    out: list[dict[str, Any]] = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in folder.glob("*.json"):
            with open(path, encoding="utf-8") as handle:
                out.append(json.load(handle))
    return sorted(out, key=lambda d: (d["delivered_at"], d["message_id"]))
