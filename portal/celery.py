"""The Celery application. Broker and schedule come from settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.on_after_configure.connect
def _beat_schedule(sender: Celery, **kwargs: object) -> None:
    """Beat timers live beside the tasks they name (portal/schedule.py); settings keep CELERY_BEAT_SCHEDULE empty."""
    from portal.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = {**BEAT_SCHEDULE, **(sender.conf.beat_schedule or {})}


app.autodiscover_tasks()
