"""MotCua kernel: settings, accounts, agencies, working calendar, notifications, audit log."""

from .celery import app as celery_app

__all__ = ("celery_app",)
