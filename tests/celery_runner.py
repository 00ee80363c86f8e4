"""Entry point of the Celery worker and beat processes that ``tests/celery_fixtures.py`` starts.

Run as ``python -m tests.celery_runner worker …`` (any ``celery`` sub-command and options). Before Django starts it
applies the settings overrides passed as JSON in ``MOTCUA_SETTINGS_OVERRIDES`` (test folders, latencies), and a beat
process takes its timers from ``MOTCUA_BEAT_SCHEDULE`` (JSON) instead of ``portal/schedule.py`` when that is set.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django
    from django.conf import settings

    for name, value in json.loads(os.environ.get("MOTCUA_SETTINGS_OVERRIDES") or "{}").items():
        setattr(settings, name, value)
    django.setup()

    from portal.celery import app

    schedule = os.environ.get("MOTCUA_BEAT_SCHEDULE")
    if schedule:
        app.conf.beat_schedule = json.loads(schedule)
    app.start(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
