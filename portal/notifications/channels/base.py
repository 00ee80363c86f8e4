"""The contract every delivery channel plugin fulfils (kênh gửi thông báo).

A plugin takes one stored message as a :class:`Delivery` and hands it to a provider. It must be safe to call twice
with the same delivery: the worker may die after the provider accepted a message and before the outbox row is marked
sent, and the sweeper then sends it again. Plugins pass :attr:`Delivery.key` to the provider as its idempotency key
(a Message-ID for e-mail, a request id for an SMS gateway) so that a second call does not deliver twice where the
provider honours it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Delivery:
    """What a plugin needs to send one message: nothing else from the database."""

    message_id: int
    key: str  # stable for this message, unique across databases: the idempotency key
    channel: str  # "email", "sms" or "zalo"
    to: str
    subject: str
    body: str
    event: str
    reference: str = ""


@dataclass(frozen=True)
class Receipt:
    """The provider's acceptance: its id for the message, and whether it had already been delivered."""

    provider_id: str
    duplicate: bool = False


class DeliveryError(Exception):
    """The provider did not take the message. ``detail`` is kept on the outbox row (no personal data)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TemporaryFailure(DeliveryError):
    """Try again later (network down, provider busy, quota): the message goes back to the queue with a delay."""


class PermanentFailure(DeliveryError):
    """Trying again will not help (address refused, number blocked): the message is marked failed at once."""


class ChannelPlugin(ABC):
    """A way of delivering messages. Registered under a unique ``identifier`` in a :class:`Registry`."""

    identifier: ClassVar[str]
    verbose_name: ClassVar[str] = ""
    # Message channels this plugin can deliver (an SMS gateway cannot send e-mail).
    channels: ClassVar[frozenset[str]] = frozenset()
    # A stand-in for demos and tests: usable only when the registry allows demo plugins.
    is_demo: ClassVar[bool] = False

    @abstractmethod
    def send(self, delivery: Delivery) -> Receipt:
        """Deliver once; raise TemporaryFailure or PermanentFailure when the provider does not take it."""

    def check(self) -> list[str]:
        """Configuration problems, in Vietnamese, for the operator (empty when ready)."""
        return []

    def __str__(self) -> str:
        return str(self.verbose_name or self.identifier)


UNKNOWN_CHANNEL = _("Không có kênh gửi nào được cấu hình cho loại thông báo này.")
