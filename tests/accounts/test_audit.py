"""The audit log: append-only, and fed by role grants/revocations and by changes made in the Django admin."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from portal import audit
from portal.models import AuditEntry, OfficerPost
from portal.models.append_only import AppendOnlyError
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory, OfficerPostFactory

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_entries_cannot_be_edited_or_deleted():
    entry = audit.record(Action.LOGIN, actor=None, data={"x": 1})
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(data={})
    with pytest.raises(AppendOnlyError):
        entry.delete()
    # And the database refuses it too (a trigger), whatever the ORM does.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditentry SET data = '{}' WHERE id = %s", [entry.pk])


def test_the_request_gives_ip_user_agent_and_actor():
    user = CitizenFactory(email="an@example.vn")
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1", HTTP_USER_AGENT="Firefox")
    request.user = user
    with audit.bound_request(request):
        entry = audit.record(Action.PROFILE_CHANGED, target=user)
    assert (entry.actor, entry.actor_label, entry.ip_address, entry.user_agent) == (
        user,
        "an@example.vn",
        "198.51.100.4",
        "Firefox",
    )
    assert audit.record(Action.PROFILE_CHANGED, target=user).actor is None  # outside a request: the system


def test_granting_changing_and_revoking_a_post_is_logged():
    department = AgencyFactory(code="000.00.04.H41")
    division = AgencyFactory(code="000.04.01.H41")
    post = OfficerPostFactory(agency=department, role=OfficerPost.Role.SPECIALIST)
    assert [e.data["role"] for e in entries(Action.ROLE_GRANTED)] == ["specialist"]

    post.role = OfficerPost.Role.LEADER
    post.save()
    post.agency = division
    post.save()
    post.is_active = False
    post.save()
    post.title = "Trưởng phòng"  # not a grant or a revocation
    post.save()
    post.is_active = True
    post.save()
    post.delete()

    granted = [(e.data["role"], e.data["agency"]) for e in entries(Action.ROLE_GRANTED)]
    revoked = [(e.data["role"], e.data["agency"]) for e in entries(Action.ROLE_REVOKED)]
    assert granted == [
        ("specialist", "000.00.04.H41"),
        ("leader", "000.00.04.H41"),
        ("leader", "000.04.01.H41"),
        ("leader", "000.04.01.H41"),
    ]
    assert revoked == [
        ("specialist", "000.00.04.H41"),
        ("leader", "000.00.04.H41"),
        ("leader", "000.04.01.H41"),
        ("leader", "000.04.01.H41"),
    ]
    assert {e.target_user for e in entries(Action.ROLE_GRANTED)} == {post.user}


def test_changes_in_the_django_admin_are_logged_with_the_administrator(client):
    admin = OfficerFactory(email="admin@longan.gov.vn", is_staff=True, is_superuser=True)
    citizen = CitizenFactory()
    agency = AgencyFactory()
    client.force_login(admin)
    response = client.post(
        f"/quan-tri/portal/user/{citizen.pk}/password/",
        {"password1": "Doi-mat-khau-2026", "password2": "Doi-mat-khau-2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (changed,) = entries(Action.PASSWORD_CHANGED)
    assert (changed.actor, changed.target_user, changed.data) == (admin, citizen, {"by": "administrator"})

    response = client.post(
        "/quan-tri/portal/officerpost/add/",
        {"user": citizen.pk, "agency": agency.pk, "role": "receiver", "title": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (granted,) = entries(Action.ROLE_GRANTED)
    assert granted.actor == admin and granted.target_user == citizen


def test_assurance_changes_outside_the_desk_are_logged():
    citizen = CitizenFactory()
    citizen.assurance_level = 2
    citizen.save()
    citizen.assurance_level = 1
    citizen.save()
    (raised,) = entries(Action.ASSURANCE_RAISED)
    assert raised.data == {"from": 1, "to": 2, "by": "administrator"}
    (lowered,) = entries(Action.PROFILE_CHANGED)
    assert lowered.data == {"assurance_level": [2, 1], "by": "administrator"}


def test_factories_and_logins_do_not_look_like_password_changes(client):
    user = CitizenFactory(email="an@example.vn")
    client.post("/tai-khoan/dang-nhap/", {"username": "an@example.vn", "password": "mat-khau-an-toan-123"})
    assert entries(Action.LOGIN) and not entries(Action.PASSWORD_CHANGED)
    assert user.pk
