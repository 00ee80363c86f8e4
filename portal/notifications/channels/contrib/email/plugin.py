"""E-mail delivery (thư điện tử) through Django's e-mail backends, configured by ``EMAIL_URL``."""

from __future__ import annotations

import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from portal.notifications.channels.base import ChannelPlugin, Delivery, PermanentFailure, Receipt, TemporaryFailure
from portal.notifications.channels.registry import register


def message_id_for(delivery: Delivery) -> str:
    """RFC 5322 Message-ID derived from the outbox row, identical on every re-send of the same message.

    SMTP has no idempotency key: if a worker dies between the server's acceptance and the outbox update, the
    message is sent again, and the shared Message-ID is what lets mail clients and archives fold the two copies.
    """
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2] or "motcua.local"
    return f"<{delivery.key}@{domain}>"


@register("email")
class EmailPlugin(ChannelPlugin):
    verbose_name = "E-mail (Django)"
    channels = frozenset({"email"})

    def send(self, delivery: Delivery) -> Receipt:
        message_id = message_id_for(delivery)
        email = EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.to],
            headers={"Message-ID": message_id, "X-MotCua-Message": str(delivery.message_id)},
        )
        try:
            # A mail server that never answers must not hold a worker until the task's hard time limit.
            timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 30
            with get_connection(fail_silently=False, timeout=timeout) as connection:
                email.connection = connection
                email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"SMTP refused the recipient: {sorted(exc.recipients.values())!r}"[:500]) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx replies are final; 4xx replies (mailbox busy, greylisting) are worth another try.
            failure = PermanentFailure if 500 <= exc.smtp_code < 600 else TemporaryFailure
            raise failure(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:500]) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}"[:500]) from exc
        return Receipt(provider_id=message_id)
