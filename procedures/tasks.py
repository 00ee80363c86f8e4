"""Celery tasks of the catalogue: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="procedures.tasks.refresh_current_versions")
def refresh_current_versions() -> int:
    """Bring forward procedures whose version published ahead of time has come into force (idempotent)."""
    from procedures.services import refresh_due_procedures

    return refresh_due_procedures()
