"""A real Celery worker for the tests that need one (the `real_celery_worker` fixture in conftest.py).

The worker is a separate process started with the same command line as the demo's (portal.processes), on the
test settings, connected to the test database and to REDIS_URL, so it sees what a test committed: use it with
``@pytest.mark.django_db(transaction=True)``. Its output goes to artifacts/celery-worker/<test>.log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from portal import processes


def _database_url() -> str:
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        raise RuntimeError("A real worker needs the PostgreSQL test database (DATABASE_URL=postgres://…).")
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def running_worker(*, log_path: Path, extra_env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Start a worker on the test database, wait until it has run a ping task, stop it afterwards."""
    if not getattr(settings, "REDIS_URL", None):
        raise RuntimeError("A real worker in the tests needs REDIS_URL (make test sets it).")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log_path.parent.mkdir(parents=True, exist_ok=True)
    argv = processes.worker_argv(concurrency=1, hostname=f"test-{uuid.uuid4().hex[:8]}@%h", purge=True)
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            argv, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        # --purge empties the queue as the worker starts: a ping sent before that is lost, so ask again.
        deadline = time.monotonic() + 90
        while processes.worker_answers(timeout=5) is None:
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not start; see {log_path}:\n{log_path.read_text()[-3000:]}")
        yield worker
    finally:
        worker.terminate()  # warm shutdown: the main process stops its pool
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def wait_for(condition: Callable[[], object], *, timeout: float = 30.0, every: float = 0.25) -> object:
    """Poll until ``condition()`` is truthy (what a task did is seen from outside); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Still not true after {timeout:.0f} s: {getattr(condition, '__doc__', condition)}")
        time.sleep(every)
