"""Reading what the portal sent, as a person would: the code in the latest message to an address."""

from __future__ import annotations

import re

from portal.models import Message

CODE = re.compile(r"\b(\d{6})\b")
LINK = re.compile(r"https?://\S+/lien-ket/\S+/")


def last_message(to: str, *, event: str | None = None) -> Message:
    messages = Message.objects.filter(recipient=to)
    if event:
        messages = messages.filter(event=event)
    return messages.latest("pk")


def code_sent_to(to: str, *, event: str | None = None) -> str:
    match = CODE.search(last_message(to, event=event).body)
    assert match, "no code in the message"
    return match.group(1)


def link_sent_to(to: str, *, event: str | None = None) -> str:
    match = LINK.search(last_message(to, event=event).body)
    assert match, "no link in the message"
    return match.group(0)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"
