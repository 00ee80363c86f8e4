"""A real Celery worker (and beat) in its own process, against the test database and the test Redis.

Use the ``celery_processes`` fixture in a test marked ``@pytest.mark.django_db(transaction=True)`` (the worker
reads only committed rows)::

    def test_sends(celery_processes):
        celery_processes.start_worker()
        …                                    # enqueue work; it runs in the worker process
        celery_processes.wait_for(lambda: Message.objects.filter(status="sent").count() == 3)
        celery_processes.kill_worker()       # SIGKILL, as a crash would
        celery_processes.start_beat(schedule={"sweep": {"task": "portal.notifications.requeue_stale",
                                                        "schedule": 1.0}})

The processes run ``portal.settings.test`` with ``DATABASE_URL`` pointing at pytest-django's test database and the
same ``REDIS_URL`` as the tests (broker, cache and the portal clock, so ``portal.clock.freeze`` moves their time too).
Files they write go to the test's own folder: e-mails (``mail_dir``) and the recording channel (``record_dir``, also
set in the test process, so ``recorded_deliveries()`` reads what the worker delivered). Settings of the child
processes can be overridden per start (``settings={...}``, JSON values). At start the queue is purged, so tasks
left over by an earlier run never reach this test's rows. Everything is stopped at the end of the test.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60


def database_url(settings_dict: dict[str, Any]) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


class CeleryProcesses:
    """Starts, kills and stops Celery processes for one test; see the module docstring."""

    def __init__(self, *, base_env: dict[str, str], folder: Path, overrides: dict[str, Any]) -> None:
        self.base_env = base_env
        self.folder = folder
        self.overrides = overrides
        self.workers: list[subprocess.Popen] = []
        self.beats: list[subprocess.Popen] = []
        self._count = 0

    @property
    def record_dir(self) -> Path:
        return Path(self.overrides["NOTIFICATIONS_RECORD_DIR"])

    @property
    def mail_dir(self) -> Path:
        return Path(self.overrides["EMAIL_FILE_PATH"])

    def _spawn(
        self, kind: str, args: list[str], *, settings: dict[str, Any] | None, env: dict[str, str]
    ) -> tuple[subprocess.Popen, Path]:
        self._count += 1
        log = self.folder / f"{kind}-{self._count}.log"
        full_env = {
            **self.base_env,
            **env,
            "MOTCUA_SETTINGS_OVERRIDES": json.dumps({**self.overrides, **(settings or {})}),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.celery_runner", *args, "--logfile", str(log), "--loglevel", "INFO"],
            cwd=REPO,
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / f"{kind}-{self._count}.stderr", "w"),  # noqa: SIM115 (closed with the process)
            start_new_session=True,  # its own process group: a kill reaches the pool's children too
        )
        return process, log

    def start_worker(self, *, concurrency: int = 2, settings: dict[str, Any] | None = None) -> subprocess.Popen:
        """Start a prefork worker and wait until it consumes."""
        process, log = self._spawn(
            "worker",
            [
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--hostname",
                f"test{self._count + 1}-{os.getpid()}@%h",
            ],
            settings=settings,
            env={},
        )
        self.workers.append(process)
        self._wait_for_log(process, log, " ready.")
        return process

    def start_beat(
        self, *, schedule: dict[str, dict] | None = None, settings: dict[str, Any] | None = None
    ) -> subprocess.Popen:
        """Start beat; ``schedule`` (task name and seconds) replaces portal/schedule.py's timers when given."""
        env = {"MOTCUA_BEAT_SCHEDULE": json.dumps(schedule)} if schedule is not None else {}
        process, log = self._spawn(
            "beat",
            ["beat", "--schedule", str(self.folder / f"beat-schedule-{self._count + 1}"), "--max-interval", "1"],
            settings=settings,
            env=env,
        )
        self.beats.append(process)
        self._wait_for_log(process, log, "beat: Starting")
        return process

    def _wait_for_log(self, process: subprocess.Popen, log: Path, marker: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"Celery process exited with {process.returncode}:\n{self.logs()}")
            if log.exists() and marker in log.read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise TimeoutError(f"Celery process not ready after {READY_TIMEOUT}s:\n{self.logs()}")

    @staticmethod
    def _signal(process: subprocess.Popen, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def kill_worker(self) -> None:
        """SIGKILL every running worker and its pool children at once, as a power cut or OOM kill would."""
        for process in self.workers:
            if process.poll() is None:
                self._signal(process, signal.SIGKILL)
                process.wait(timeout=10)

    def stop(self) -> None:
        """Stop everything: a warm shutdown (SIGTERM), then SIGKILL for what is still running."""
        processes = [p for p in (*self.beats, *self.workers) if p.poll() is None]
        for process in processes:
            self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait(timeout=10)

    def wait_for(self, predicate: Callable[[], bool], *, timeout: float = 60, interval: float = 0.1) -> None:
        """Poll ``predicate`` until it is true; fail with the processes' logs after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(interval)
        raise AssertionError(f"Condition not met within {timeout}s.\n{self.logs()}")

    def logs(self) -> str:
        parts = []
        for path in sorted(self.folder.glob("*.log")) + sorted(self.folder.glob("*.stderr")):
            text = path.read_text(errors="replace")
            parts.append(f"--- {path.name} ---\n{text[-6000:]}")
        return "\n".join(parts)


def purge_broker(redis_url: str) -> None:
    """Drop queued and unacknowledged tasks of earlier runs from the test Redis database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = [k for k in client.scan_iter("celery*")] + [b"unacked", b"unacked_index", b"unacked_mutex"]
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def celery_processes(
    transactional_db: None, settings: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CeleryProcesses]:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("A real Celery worker needs the tests to run on PostgreSQL (set DATABASE_URL).")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("A real Celery worker needs Redis (set REDIS_URL).")
    folder = tmp_path_factory.mktemp("celery")
    record_dir = folder / "deliveries"
    mail_dir = folder / "mail"
    record_dir.mkdir()
    mail_dir.mkdir()
    settings.NOTIFICATIONS_RECORD_DIR = str(record_dir)
    purge_broker(redis_url)
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        "DB_CONN_MAX_AGE": "0",  # no connection outlives a task: the test database is dropped at the end
    }
    overrides = {
        "NOTIFICATIONS_RECORD_DIR": str(record_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    processes = CeleryProcesses(base_env=base_env, folder=folder, overrides=overrides)
    try:
        yield processes
    finally:
        processes.stop()
        purge_broker(redis_url)
