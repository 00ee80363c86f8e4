"""Weekly backup task (Long An QĐ 30/2019 art 4.6: back up dossier data at least once a week)."""

from __future__ import annotations

from celery import shared_task

from portal import backup

__all__ = ["weekly_backup"]


@shared_task(name="portal.backup.weekly", ignore_result=True)
def weekly_backup() -> str | None:
    """Idempotent: a run twice or late finds a recent backup and skips; one already running is not repeated."""
    made = backup.weekly_backup()
    return made.name if made else None
