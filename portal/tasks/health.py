"""A liveness task: proves that a worker takes tasks from the broker and runs them (serve_demo, tests)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from portal import clock

__all__ = ["ping"]

PING_KEY = "motcua:ping:{token}"


@shared_task(name="portal.health.ping", ignore_result=True)
def ping(token: str) -> None:
    """Leave a mark in the shared cache that the sender can look for."""
    cache.set(PING_KEY.format(token=token), clock.now().isoformat(), timeout=600)
