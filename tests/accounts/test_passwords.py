"""Forgotten password and password change. The reset flow never tells whether an account exists."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from portal.accounts import services
from portal.exceptions import PortalError, ValidationProblems
from portal.models import AuditEntry, Message
from tests.accounts.helpers import code_sent_to, link_sent_to, wrong
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

NEW = "Hoa-sen-no-2026"


@pytest.fixture
def an():
    return CitizenFactory(email="an@example.vn", phone="0912345678", phone_verified_at=None)


def test_a_reset_code_goes_to_the_address_typed(an):
    services.request_reset(login="AN@example.vn")
    message = Message.objects.get()
    assert (message.channel, message.recipient, message.event) == ("email", "an@example.vn", "accounts.password_reset")
    services.request_reset(login="+84912345678")
    assert Message.objects.filter(channel="sms", recipient="0912345678").exists()


def test_an_unknown_login_gets_the_same_silence(an):
    services.request_reset(login="nobody@example.vn")
    services.request_reset(login="0999999999")
    services.request_reset(login="not even a login")
    assert not Message.objects.exists()


def test_reset_with_the_code_sets_the_password_proves_the_address_and_tells_the_person(an):
    services.request_reset(login="0912345678")
    services.reset_with_code(login="0912 345 678", code=code_sent_to("0912345678"), new_password=NEW)
    an.refresh_from_db()
    assert an.check_password(NEW)
    assert an.phone_verified_at is not None  # the code reached the phone: it is proved
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_RESET, target_user=an).count() == 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSWORD_CHANGED).exists()
    told = set(Message.objects.filter(event="accounts.password_changed").values_list("channel", "recipient"))
    assert told == {("email", "an@example.vn"), ("sms", "0912345678")}


def test_wrong_code_unknown_account_and_spent_code_fail_alike(an):
    services.request_reset(login="an@example.vn")
    code = code_sent_to("an@example.vn")
    failures = []
    for login, attempt in (("an@example.vn", wrong(code)), ("nobody@example.vn", code)):
        with pytest.raises(PortalError) as refused:
            services.reset_with_code(login=login, code=attempt, new_password=NEW)
        failures.append(refused.value.message)
    services.reset_with_code(login="an@example.vn", code=code, new_password=NEW)
    with pytest.raises(PortalError) as refused:
        services.reset_with_code(login="an@example.vn", code=code, new_password=NEW + "x")
    failures.append(refused.value.message)
    assert len(set(failures)) == 1
    assert failures[0].startswith("Mã xác minh không đúng hoặc đã hết hạn")


def test_a_weak_new_password_does_not_spend_the_code(an):
    services.request_reset(login="an@example.vn")
    code = code_sent_to("an@example.vn")
    with pytest.raises(ValidationProblems):
        services.reset_with_code(login="an@example.vn", code=code, new_password="12345678")
    services.reset_with_code(login="an@example.vn", code=code, new_password=NEW)


def test_reset_by_the_link_in_the_email(an):
    services.request_reset(login="an@example.vn")
    token = link_sent_to("an@example.vn").rstrip("/").rsplit("/", 1)[1]
    services.reset_with_link(token=token, new_password=NEW)
    an.refresh_from_db()
    assert an.check_password(NEW)
    with pytest.raises(PortalError):
        services.reset_with_link(token=token, new_password=NEW)


def test_a_reset_lifts_the_lock_out(an):
    for ip in ("10.0.0.1", "10.0.0.2"):
        AccessAttempt.objects.create(username="an@example.vn", ip_address=ip, failures_since_start=5, user_agent="x")
    services.request_reset(login="an@example.vn")
    services.reset_with_code(login="an@example.vn", code=code_sent_to("an@example.vn"), new_password=NEW)
    assert not AccessAttempt.objects.filter(username="an@example.vn").exists()


def test_change_password_needs_the_current_one(an):
    with pytest.raises(ValidationProblems, match="Mật khẩu hiện tại không đúng"):
        services.change_password(user=an, old_password="sai", new_password=NEW)
    services.change_password(user=an, old_password="mat-khau-an-toan-123", new_password=NEW)
    an.refresh_from_db()
    assert an.check_password(NEW)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSWORD_CHANGED)
    assert entry.data == {"by": "self"}
    assert Message.objects.filter(event="accounts.password_changed", recipient="an@example.vn").exists()
