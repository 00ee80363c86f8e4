"""Audit entries and dossier events are append-only, in the ORM and in PostgreSQL itself."""

import pytest
from django.db import DatabaseError, connection, transaction

from portal import audit
from portal.models import AuditEntry
from portal.models.append_only import AppendOnlyError
from tests.factories import CitizenFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_audit_entry_cannot_be_edited_or_deleted_through_the_orm():
    entry = audit.record(AuditEntry.Action.LOGIN, actor=CitizenFactory())
    entry.actor_label = "ai đó khác"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
def test_the_database_refuses_updates_even_in_raw_sql():
    entry = audit.record(AuditEntry.Action.LOGIN, actor=CitizenFactory())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditentry SET actor_label = 'x' WHERE id = %s", [entry.pk])


def test_deleting_a_user_keeps_their_audit_trail():
    officer = OfficerFactory()
    citizen = CitizenFactory()
    entry = audit.record(AuditEntry.Action.ASSURANCE_RAISED, actor=officer, target=citizen)
    citizen_id = citizen.pk
    citizen.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.target_user_id == citizen_id  # the id stays; the label tells who it was
    assert entry.target_label == citizen.login_label
