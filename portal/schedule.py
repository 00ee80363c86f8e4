"""Celery beat timers (DESIGN §5). Each names a task that is idempotent and safe to run twice or late."""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-requeue-stale": {
        "task": "portal.notifications.requeue_stale",
        "schedule": 60.0,
    },
    # A calendar decision entered ahead of its effective date changes the calendar in force on that day: recompute
    # the open dossiers it affects (DESIGN §5; dossiers.clock.recompute_for_decisions_in_force).
    "calendar-decisions-in-force": {
        "task": "dossiers.tasks.recompute_due_dates_for_decisions_in_force",
        "schedule": crontab(hour=0, minute=10),
    },
    # SLA timers (dossiers/timers.py): set-based, idempotent sweeps; a late or doubled run sends nothing twice. The
    # intervals only decide how soon after a threshold a reminder goes out; "expires" drops runs queued while no
    # worker was up (the next run catches up on everything anyway).
    "timers-desk-checks": {
        "task": "dossiers.tasks.remind_desk_checks",
        "schedule": 300.0,  # the desk's SLA may be 1 working hour (Bắc Ninh 13/2018): remind within 5 minutes
        "options": {"expires": 290},
    },
    "timers-desk-escalations": {
        "task": "dossiers.tasks.escalate_desk_checks",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "timers-near-due": {
        "task": "dossiers.tasks.warn_near_due",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "timers-apology-slips": {
        "task": "dossiers.tasks.remind_apology_slips",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "timers-overdue": {
        "task": "dossiers.tasks.escalate_overdue",
        "schedule": 900.0,  # overdue is by date (from the day after due): early each day, retried all day
        "options": {"expires": 890},
    },
    "timers-supplement-reviews": {
        "task": "dossiers.tasks.remind_supplement_reviews",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "timers-leader-digests": {
        "task": "dossiers.tasks.send_leader_digests",
        "schedule": crontab(minute="*/30"),  # sent once a day from TIMERS_DIGEST_HOUR; later runs find it sent
        "options": {"expires": 1790},
    },
    # A procedure version published ahead of its effective date comes into force: point the catalogue at it
    # (procedures.services.refresh_due_procedures; the catalogue pages also do it on read, so this is a backstop).
    "procedures-versions-in-force": {
        "task": "procedures.tasks.refresh_current_versions",
        "schedule": crontab(minute=1),
        "options": {"expires": 3500},
    },
    # Long An QĐ 30/2019 art 4.6: back up at least once a week (Sunday 01:00, local time).
    "weekly-backup": {
        "task": "portal.backup.weekly",
        "schedule": crontab(hour=1, minute=0, day_of_week="sunday"),
    },
}
