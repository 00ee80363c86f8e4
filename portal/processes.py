"""The portal's processes — web server, Celery worker, Celery beat — and a check that a worker answers.

``manage.py serve_demo`` runs all three; the tests start a worker with the same command line, so what the demo
runs is what the tests exercise.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache


def manage_py() -> Path:
    return Path(settings.BASE_DIR) / "manage.py"


def web_argv(*, addr: str, reload: bool = False) -> list[str]:
    argv = [sys.executable, str(manage_py()), "runserver", addr]
    return argv if reload else [*argv, "--noreload"]


def worker_argv(*, concurrency: int = 2, hostname: str = "motcua@%h", purge: bool = False) -> list[str]:
    # Mingle, gossip and heartbeats are broadcasts between workers; one worker does not need them, and the
    # filesystem broker of the embedded default answers them slowly.
    argv = [
        sys.executable, "-m", "celery", "--app", "portal", "worker",
        "--loglevel", "INFO", "--concurrency", str(concurrency), "--hostname", hostname,
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    return [*argv, "--purge"] if purge else argv


def beat_argv() -> list[str]:
    return [
        sys.executable, "-m", "celery", "--app", "portal", "beat",
        "--loglevel", "INFO", "--schedule", str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
    ]  # fmt: skip


def weasyprint_problem() -> str | None:
    """Why WeasyPrint cannot load (its system libraries, Pango, are missing), or None when it can."""
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        return f"{exc.__class__.__name__}: {first_line}"
    return None


def worker_answers(*, timeout: float = 60.0) -> float | None:
    """Send ``portal.health.ping`` through the broker; seconds until a worker ran it, or None after ``timeout``."""
    from portal.tasks.health import PING_KEY, ping

    token = uuid.uuid4().hex
    started = time.monotonic()
    ping.delay(token)
    key = PING_KEY.format(token=token)
    while time.monotonic() - started < timeout:
        if cache.get(key):
            cache.delete(key)
            return time.monotonic() - started
        time.sleep(0.25)
    return None
