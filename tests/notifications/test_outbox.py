"""notify(): one stored message per channel, to verified addresses, after commit, never twice for one key."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from portal.models import Message
from portal.notifications import notify
from portal.notifications.outbox import stored_key
from portal.notifications.rendering import render_message
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"code": "123456", "expires_minutes": 15, "address": "a@example.vn", "welcome": False, "login": "a"}


def citizen(**kwargs):
    defaults = {
        "email": "an@example.vn",
        "phone": "0912345678",
        "email_verified_at": timezone.now(),
        "phone_verified_at": timezone.now(),
    }
    return UserFactory(**{**defaults, **kwargs})


def test_one_message_per_chosen_channel_with_the_rendered_text():
    user = citizen(notify_by_email=True, notify_by_sms=True, notify_by_zalo=True)
    messages = notify(
        user=user,
        event="accounts.password_changed",
        context={"reason": "change", "at": timezone.now()},
        dedupe_key="k1",
    )
    by_channel = {m.channel: m for m in messages}
    assert set(by_channel) == {"email", "sms", "zalo"}
    assert by_channel["email"].recipient == "an@example.vn"
    assert by_channel["sms"].recipient == by_channel["zalo"].recipient == "0912345678"
    assert by_channel["email"].subject == "Mật khẩu tài khoản của bạn vừa được thay đổi"
    assert "Kính gửi" in by_channel["email"].body
    assert by_channel["sms"].body.startswith("DVC: Mat khau")
    assert all(m.status == Message.Status.PENDING and m.enqueued_at for m in messages)
    assert {m.dedupe_key for m in messages} == {"k1:email", "k1:sms", "k1:zalo"}


def test_unverified_addresses_get_nothing_and_a_verified_one_is_used_instead():
    """The person chose SMS but has not proved the phone yet: the news goes to their verified e-mail."""
    user = citizen(notify_by_email=False, notify_by_sms=True, phone_verified_at=None)
    messages = notify(
        user=user,
        event="accounts.password_changed",
        context={"reason": "change", "at": timezone.now()},
        dedupe_key="k2",
    )
    assert [(m.channel, m.recipient) for m in messages] == [("email", "an@example.vn")]


def test_nothing_is_stored_when_no_address_is_verified():
    user = citizen(email_verified_at=None, phone_verified_at=None)
    assert (
        notify(
            user=user, event="accounts.password_changed", context={"reason": "x", "at": timezone.now()}, dedupe_key="k3"
        )
        == []
    )
    assert not Message.objects.exists()


def test_officers_addresses_entered_by_an_administrator_are_trusted():
    officer = OfficerFactory(email_verified_at=None)
    messages = notify(
        user=officer, event="accounts.password_changed", context={"reason": "x", "at": timezone.now()}, dedupe_key="k4"
    )
    assert [m.recipient for m in messages] == [officer.email]


def test_to_overrides_the_address_for_a_contact_not_verified_yet():
    user = citizen(email_verified_at=None)
    messages = notify(
        user=user,
        event="accounts.verify_email",
        context={**CONTEXT, "link": "http://x/"},
        channels=["email"],
        to="New.Address@Example.VN",
        dedupe_key="k5",
    )
    assert [(m.channel, m.recipient) for m in messages] == [("email", "new.address@example.vn")]
    assert "123456" in messages[0].body and "123456" in messages[0].subject


def test_to_infers_sms_from_a_phone_number_and_normalises_it():
    user = citizen()
    messages = notify(user=user, event="accounts.verify_phone", context=CONTEXT, to="+84 987 654 321", dedupe_key="k6")
    assert [(m.channel, m.recipient) for m in messages] == [("sms", "0987654321")]


def test_the_same_dedupe_key_twice_stores_nothing_new():
    user = citizen(notify_by_sms=True)
    first = notify(
        user=user, event="accounts.password_changed", context={"reason": "x", "at": timezone.now()}, dedupe_key="once"
    )
    # A retried caller, even with different preferences by now, gets the first messages back.
    user.notify_by_zalo = True
    second = notify(
        user=user, event="accounts.password_changed", context={"reason": "y", "at": timezone.now()}, dedupe_key="once"
    )
    assert sorted(m.pk for m in first) == sorted(m.pk for m in second)
    assert Message.objects.count() == 2


def test_a_very_long_dedupe_key_is_hashed_to_fit():
    key = "dossier:" + "x" * 400
    assert len(stored_key(key, "email")) <= 255
    assert stored_key(key, "email") != stored_key(key + "y", "email")


def test_messages_are_enqueued_only_after_commit(django_capture_on_commit_callbacks):
    user = citizen()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(
            user=user, event="accounts.password_changed", context={"reason": "x", "at": timezone.now()}, dedupe_key="k7"
        )
    assert len(callbacks) == 1  # the hand-over to Celery waits for the caller's commit


def test_a_rolled_back_caller_stores_and_sends_nothing(django_capture_on_commit_callbacks):
    user = citizen()

    class Refused(Exception):
        pass

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Refused), transaction.atomic():
        notify(
            user=user, event="accounts.password_changed", context={"reason": "x", "at": timezone.now()}, dedupe_key="k8"
        )
        raise Refused
    assert callbacks == []
    assert not Message.objects.filter(dedupe_key__startswith="k8").exists()


def test_unknown_event_template_is_a_programming_error():
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        notify(user=citizen(), event="no.such.event", context={}, dedupe_key="k9")


def test_text_templates_are_not_html_escaped():
    text = render_message(
        event="accounts.assurance_raised",
        channel="email",
        context={"agency": "Sở Tài nguyên & Môi trường", "at": timezone.now(), "user": None},
    )
    assert "Sở Tài nguyên & Môi trường" in text.body
    assert "&amp;" not in text.body


@pytest.mark.django_db(transaction=True)
def test_two_callers_racing_with_one_key_store_one_set_of_messages():
    """Two processes retrying the same step at once: ON CONFLICT DO NOTHING keeps exactly one message per channel."""
    user = citizen()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                notify(
                    user=user,
                    event="accounts.password_changed",
                    context={"reason": "x", "at": timezone.now()},
                    dedupe_key="race",
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Message.objects.filter(dedupe_key="race:email").count() == 1
