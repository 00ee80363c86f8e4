"""Sending an outbox row: claim, deliver once, retry with backoff, fail for good; the sweeper finds lost work."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from portal import clock
from portal.models import Message
from portal.notifications import notify
from portal.notifications.channels.contrib.record import recorded_deliveries
from portal.notifications.channels.registry import plugin_for
from portal.notifications.sending import claim, deliver, delivery_for, delivery_key, requeue_stale, retry_delay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))  # Mon 2/3/2026 09:00


def sms_message(key: str = "m1", **user_fields) -> Message:
    user = UserFactory(
        phone=user_fields.pop("phone", "0912345678"), phone_verified_at=NOW, notify_by_email=False, notify_by_sms=True
    )
    (message,) = notify(
        user=user, event="accounts.password_changed", context={"reason": "change", "at": NOW}, dedupe_key=key
    )
    return message


def email_message(key: str = "e1") -> Message:
    user = UserFactory(email="binh@example.vn", email_verified_at=NOW)
    (message,) = notify(
        user=user, event="accounts.password_changed", context={"reason": "change", "at": NOW}, dedupe_key=key
    )
    return message


def test_a_pending_message_is_sent_once_and_marked_sent():
    clock.freeze(NOW)
    message = sms_message()
    assert deliver(message_id=message.pk).status == "sent"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.sent_at == NOW
    assert message.provider_id == f"record:sms:{delivery_key(message)}"
    (delivered,) = recorded_deliveries("sms")
    assert delivered["to"] == "0912345678" and delivered["message_id"] == message.pk
    # A duplicate task (redelivered by the broker, or queued by the sweeper) does nothing.
    assert deliver(message_id=message.pk).status == "skipped"
    assert len(recorded_deliveries("sms")) == 1


def test_only_one_of_two_claims_wins():
    message = sms_message()
    assert claim(message.pk, at=NOW) is True
    assert claim(message.pk, at=NOW) is False


def test_a_crash_after_the_provider_took_the_message_does_not_deliver_twice():
    """The worker died between the delivery and the outbox update: the sweeper re-queues, the re-send is a duplicate."""
    clock.freeze(NOW)
    message = sms_message()
    assert claim(message.pk, at=NOW)
    plugin_for("sms").send(delivery_for(message))  # delivered… and then the process died
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING

    clock.freeze(NOW + timedelta(minutes=11))  # past NOTIFICATIONS_SENDING_STALE_SECONDS (10 min)
    assert requeue_stale() == [message.pk]
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING

    assert deliver(message_id=message.pk).status == "sent"
    assert len(recorded_deliveries("sms")) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 2)


def test_the_sweeper_leaves_live_work_alone():
    clock.freeze(NOW)
    sending = sms_message("live-sending")
    claim(sending.pk, at=NOW)
    pending = sms_message("live-pending", phone="0987654321")
    clock.freeze(NOW + timedelta(minutes=5))
    assert requeue_stale() == []
    assert Message.objects.get(pk=sending.pk).status == Message.Status.SENDING
    assert Message.objects.get(pk=pending.pk).status == Message.Status.PENDING


def test_the_sweeper_requeues_pending_rows_whose_task_was_lost(django_capture_on_commit_callbacks):
    clock.freeze(NOW)
    message = sms_message()
    clock.freeze(NOW + timedelta(minutes=16))  # past NOTIFICATIONS_PENDING_STALE_SECONDS (15 min)
    with django_capture_on_commit_callbacks() as callbacks:
        assert requeue_stale() == [message.pk]
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.enqueued_at == NOW + timedelta(minutes=16)
    # Requeued just now: the next sweep leaves it alone.
    assert requeue_stale() == []


def test_the_sweeper_is_bounded():
    clock.freeze(NOW)
    for i in range(5):
        sms_message(f"bulk-{i}", phone=f"09123456{i:02d}")
    clock.freeze(NOW + timedelta(hours=1))
    assert len(requeue_stale(limit=3)) == 3
    assert len(requeue_stale(limit=3)) == 2


def test_a_row_stuck_in_sending_after_its_last_attempt_is_failed(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    clock.freeze(NOW)
    message = sms_message()
    claim(message.pk, at=NOW)
    clock.freeze(NOW + timedelta(hours=1))
    assert requeue_stale() == []
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_retry_delays_grow_and_are_capped():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [60, 240, 960, 3840]
    assert retry_delay(10) == 4 * 3600


def test_email_goes_through_djangos_backend_with_a_message_id_derived_from_the_row():
    message = email_message()
    assert deliver(message_id=message.pk).status == "sent"
    (sent,) = mail.outbox
    assert sent.to == ["binh@example.vn"]
    assert sent.subject == "Mật khẩu tài khoản của bạn vừa được thay đổi"
    message_id = sent.extra_headers["Message-ID"]
    assert message_id == f"<{delivery_key(message)}@dichvucong.local>"
    message.refresh_from_db()
    assert message.provider_id == message_id


# --- an SMS gateway speaking eSMS.vn's protocol, run locally ---


class ESMSStandIn(BaseHTTPRequestHandler):
    """Answers like rest.esms.vn's SendMultipleMessage_V4_post_json: 100 accepted, 124 duplicate RequestId."""

    seen: dict[str, str]
    script: list[tuple[int, dict]]  # answers to give before behaving normally: (HTTP status, body)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        if self.server.script:
            status, answer = self.server.script.pop(0)
        elif body["RequestId"] in self.server.seen:
            status, answer = 200, {"CodeResult": "124", "ErrorMessage": "Request exist 1", "SendStatus": "5"}
        elif body["ApiKey"] != "key" or body["SecretKey"] != "secret":
            status, answer = 200, {"CodeResult": "101", "ErrorMessage": "Authorize Failed"}
        else:
            sms_id = f"sms{len(self.server.seen) + 1}"
            self.server.seen[body["RequestId"]] = sms_id
            status, answer = 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def esms(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ESMSStandIn)
    server.seen, server.script, server.requests = {}, [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFICATION_BACKENDS = {"email": "email", "sms": "esms", "zalo": "record"}
    settings.ESMS = {
        "URL": f"http://127.0.0.1:{server.server_address[1]}/MainService.svc/json/SendMultipleMessage_V4_post_json/",
        "API_KEY": "key",
        "SECRET_KEY": "secret",
        "BRANDNAME": "DVC-LONGAN",
    }
    yield server
    server.shutdown()
    server.server_close()


def test_esms_accepts_and_the_gateway_id_is_kept(esms):
    message = sms_message()
    assert deliver(message_id=message.pk).status == "sent"
    (request,) = esms.requests
    assert request["Phone"] == "84912345678"
    assert request["Brandname"] == "DVC-LONGAN"
    assert request["SmsType"] == "2"
    assert request["RequestId"] == delivery_key(message)
    message.refresh_from_db()
    assert message.provider_id == "esms:sms1"


def test_esms_re_send_after_a_crash_is_refused_by_the_gateway_as_a_duplicate(esms):
    clock.freeze(NOW)
    message = sms_message()
    claim(message.pk, at=NOW)
    plugin_for("sms").send(delivery_for(message))  # the gateway took it; the worker died before recording that
    clock.freeze(NOW + timedelta(minutes=11))
    requeue_stale()
    assert deliver(message_id=message.pk).status == "sent"
    assert len(esms.seen) == 1  # one SMS left the gateway
    assert [r["RequestId"] for r in esms.requests] == [delivery_key(message)] * 2


def test_esms_unreachable_or_erroring_is_retried_later_with_backoff(esms):
    clock.freeze(NOW)
    esms.script.append((500, {"error": "Invalid request"}))
    message = sms_message()
    outcome = deliver(message_id=message.pk)
    assert (outcome.status, outcome.retry_in) == ("retry", 60)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error == "eSMS HTTP 500"
    assert message.enqueued_at == NOW + timedelta(seconds=60)
    # The next attempt goes through.
    assert deliver(message_id=message.pk).status == "sent"


def test_esms_blocked_number_fails_for_good(esms):
    esms.script.append((200, {"CodeResult": "99", "ErrorMessage": "Phone blocked"}))
    message = sms_message()
    assert deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "eSMS 99" in message.last_error


def test_attempts_run_out_after_the_limit(esms, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    settings.ESMS = {**settings.ESMS, "API_KEY": "wrong"}  # the operator's mistake: 101 on every try
    message = sms_message()
    assert deliver(message_id=message.pk).status == "retry"
    assert deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, 2)
    assert "101" in message.last_error
