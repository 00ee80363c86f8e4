"""Celery beat timers (DESIGN §5). Each names a task that is idempotent and safe to run twice or late."""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-requeue-stale": {
        "task": "portal.tasks.requeue_stale_messages",
        "schedule": 60.0,
    },
    "weekly-backup": {
        "task": "portal.tasks.weekly_backup",
        "schedule": crontab(hour=1, minute=0, day_of_week="sunday"),
    },
}
