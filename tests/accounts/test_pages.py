"""The account pages: wiring, permissions, and the htmx partials. The rules themselves are tested in the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry, Message, OfficerPost, User
from portal.navigation import navigation_for
from tests.accounts.helpers import code_sent_to, link_sent_to
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory, OfficerPostFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "kind": "citizen",
    "full_name": "Nguyễn Văn An",
    "citizen_id": "080090001234",
    "date_of_birth": "1990-05-01",
    "gender": "male",
    "email": "an@example.vn",
    "phone": "0912345678",
    "address": "Tân An",
    "password1": "Sen-vang-2026!",
    "password2": "Sen-vang-2026!",
    "accept": "on",
}


def test_register_then_verify_both_contacts_by_code(client):
    response = client.post(reverse("accounts:register"), REGISTRATION)
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    user = User.objects.get(email="an@example.vn")
    assert int(client.session["_auth_user_id"]) == user.pk

    page = client.get(reverse("accounts:verify")).content.decode()
    assert 'id="id_email-code"' in page and 'id="id_sms-code"' in page

    wrong = client.post(reverse("accounts:verify"), {"channel": "sms", "action": "confirm", "sms-code": "000000"})
    assert "Mã xác minh không đúng" in wrong.content.decode()
    assert 'aria-invalid="true"' in wrong.content.decode()

    for channel, address in (("email", "an@example.vn"), ("sms", "0912345678")):
        done = client.post(
            reverse("accounts:verify"),
            {"channel": channel, "action": "confirm", f"{channel}-code": code_sent_to(address)},
        )
        assert done.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at and user.phone_verified_at
    assert "đã được xác minh" in client.get(reverse("accounts:verify")).content.decode()


def test_registration_errors_are_listed_at_the_top_and_nothing_is_created(client):
    response = client.post(reverse("accounts:register"), {**REGISTRATION, "gender": "female", "password2": "khac"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert page.index("error-summary") < page.index(f'action="{reverse("accounts:register")}"')
    assert "Hai mật khẩu không giống nhau." in page
    assert not User.objects.exists()


def test_resend_is_throttled_with_a_message(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    response = client.post(reverse("accounts:verify"), {"channel": "sms", "action": "resend"}, follow=True)
    assert "Vui lòng đợi" in response.content.decode()
    assert Message.objects.filter(recipient="0912345678").count() == 1


def test_opening_the_email_link_changes_nothing_until_the_button_is_pressed(client):
    client.post(reverse("accounts:register"), REGISTRATION)
    client.logout()
    path = "/" + link_sent_to("an@example.vn").split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and "an@example.vn" in page.content.decode()
    assert User.objects.get().email_verified_at is None  # a mail scanner following links verifies nothing
    assert client.post(path).status_code == 302
    assert User.objects.get().email_verified_at is not None
    assert client.get(path).status_code == 410


def test_password_reset_pages_answer_alike_and_reset_with_the_code(client):
    CitizenFactory(email="an@example.vn")
    unknown = client.post(reverse("accounts:password_reset"), {"login": "ai-do@example.vn"}, follow=True)
    known = client.post(reverse("accounts:password_reset"), {"login": "an@example.vn"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain == [(reverse("accounts:password_reset_confirm"), 302)]
    assert "Nếu thông tin này thuộc một tài khoản" in known.content.decode()
    assert 'value="an@example.vn"' in known.content.decode()  # the login is carried to the code form
    done = client.post(
        reverse("accounts:password_reset_confirm"),
        {
            "login": "an@example.vn",
            "code": code_sent_to("an@example.vn"),
            "new_password1": "Hoa-sen-no-2026",
            "new_password2": "Hoa-sen-no-2026",
        },
    )
    assert done.status_code == 302 and done.url == reverse("accounts:login")
    assert (
        client.post(reverse("accounts:login"), {"username": "an@example.vn", "password": "Hoa-sen-no-2026"}).status_code
        == 302
    )


def test_profile_page_saves_channels_and_shows_contacts(client):
    user = CitizenFactory(email="an@example.vn", phone="0912345678", phone_verified_at=timezone.now())
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "an@example.vn" in page and "Đã xác minh" in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": user.full_name,
            "citizen_id": user.citizen_id,
            "address": "5 Hùng Vương",
            "notify_by_email": "on",
            "notify_by_zalo": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.address, user.notify_by_email, user.notify_by_sms, user.notify_by_zalo) == (
        "5 Hùng Vương",
        True,
        False,
        True,
    )


def test_contact_change_page_sends_a_code_to_the_new_address(client):
    user = CitizenFactory(email="an@example.vn")
    client.force_login(user)
    response = client.post(
        reverse("accounts:contact_change", args=["sms"]),
        {"channel": "sms", "new_address": "0987 654 321", "password": "mat-khau-an-toan-123"},
    )
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    assert Message.objects.get(recipient="0987654321").event == "accounts.verify_phone"
    assert client.get(reverse("accounts:contact_change", args=["fax"])).status_code == 404


def test_password_change_keeps_this_session(client):
    user = CitizenFactory(email="an@example.vn")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "mat-khau-an-toan-123",
            "new_password1": "Hoa-sen-no-2026",
            "new_password2": "Hoa-sen-no-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_pages_that_need_a_login_send_visitors_to_it(client):
    for name in (
        "accounts:profile",
        "accounts:verify",
        "accounts:password_change",
        "accounts:identity",
        "accounts:audit_log",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), name


# --- the desk page raising assurance ---


def test_the_identity_desk_is_for_officers_holding_identity_verify(client):
    centre = AgencyFactory(code="000.00.01.H41")
    receiver = OfficerPostFactory(agency=centre, role=OfficerPost.Role.RECEIVER).user
    specialist = OfficerPostFactory(agency=centre, role=OfficerPost.Role.SPECIALIST).user
    citizen = CitizenFactory(citizen_id="080090001234", date_of_birth=date(1990, 5, 1), gender="male")

    client.force_login(specialist)
    assert client.get(reverse("accounts:identity")).status_code == 403
    client.force_login(citizen)
    assert client.get(reverse("accounts:identity_check", args=[citizen.pk])).status_code == 403

    client.force_login(receiver)
    found = client.get(reverse("accounts:identity"), {"q": "080090001234"}).content.decode()
    assert citizen.full_name in found
    assert reverse("accounts:identity_check", args=[citizen.pk]) in found
    response = client.post(
        reverse("accounts:identity_check", args=[citizen.pk]),
        {"agency": centre.pk, "document_number": "080090001234", "confirmed": "on"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.assurance_level == 2
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ASSURANCE_RAISED)
    assert entry.actor == receiver and entry.ip_address == "127.0.0.1"


def test_the_identity_form_offers_only_the_officers_agencies(client):
    mine = AgencyFactory(code="001.01.00.H41")
    AgencyFactory(code="002.01.00.H41")
    receiver = OfficerPostFactory(agency=mine, role=OfficerPost.Role.RECEIVER).user
    citizen = CitizenFactory()
    client.force_login(receiver)
    response = client.post(
        reverse("accounts:identity_check", args=[citizen.pk]),
        {"agency": AgencyFactory(code="003.01.00.H41").pk, "document_number": citizen.citizen_id, "confirmed": "on"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() or "Hãy chọn" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.assurance_level == 1


# --- the audit log page and the demo mailbox ---


def test_only_superusers_read_the_audit_log_and_can_filter_it(client):
    admin = OfficerFactory(is_superuser=True, is_staff=True)
    officer = OfficerFactory()
    client.post(reverse("accounts:login"), {"username": officer.email, "password": "sai"})
    client.force_login(officer)
    assert client.get(reverse("accounts:audit_log")).status_code == 403
    client.force_login(admin)
    page = client.get(reverse("accounts:audit_log"), {"action": "login_failed"}).content.decode()
    assert "Đăng nhập thất bại" in page and officer.email in page
    partial = client.get(reverse("accounts:audit_log"), {"action": "logout"}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="audit-results">')
    assert "Không có mục nào." in partial.content.decode()


def test_the_demo_mailbox_exists_only_in_demo_mode(client, settings):
    CitizenFactory(email="an@example.vn")
    client.post(reverse("accounts:password_reset"), {"login": "an@example.vn"})
    settings.DEMO_MODE = False
    assert client.get(reverse("notifications:demo_mailbox")).status_code == 404
    settings.DEMO_MODE = True
    page = client.get(reverse("notifications:demo_mailbox"), {"to": "an@"}).content.decode()
    assert code_sent_to("an@example.vn") in page
    partial = client.get(reverse("notifications:demo_mailbox"), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="mailbox">')


def test_menu_entries_follow_the_role(settings):
    settings.DEMO_MODE = False
    centre = AgencyFactory()
    receiver = OfficerPostFactory(agency=centre, role=OfficerPost.Role.RECEIVER).user
    admin = OfficerFactory(is_superuser=True, is_staff=True)
    names = lambda user: {item["name"] for item in navigation_for(user)}  # noqa: E731
    assert "accounts:identity" in names(receiver) and "accounts:audit_log" not in names(receiver)
    assert {"accounts:identity", "accounts:audit_log"} <= names(admin)
    assert not {"accounts:identity", "accounts:audit_log", "notifications:demo_mailbox"} & names(CitizenFactory())
    settings.DEMO_MODE = True
    assert "notifications:demo_mailbox" in names(CitizenFactory())
