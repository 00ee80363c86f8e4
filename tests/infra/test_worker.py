"""A real Celery worker on Redis and the test database (the `real_celery_worker` fixture), as CI runs it."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal import clock, processes
from portal.models import Agency
from portal.tasks.backup import weekly_backup
from tests.conftest import ARTIFACTS_DIR
from tests.workers import running_worker, wait_for


def test_the_worker_fixture_answers_through_redis(real_celery_worker):
    assert real_celery_worker.poll() is None
    assert processes.worker_answers(timeout=30) is not None


@pytest.mark.django_db(transaction=True)
def test_the_weekly_backup_runs_in_the_worker_on_the_portal_clock(tmp_path, request):
    """Beat's Sunday-01:00 task, sent to Redis, run by the worker against the test database."""
    Agency.objects.create(code="000.00.04.H41", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    clock.freeze(datetime(2026, 3, 15, 1, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))  # every process's clock
    folder = tmp_path / "backups"
    log = ARTIFACTS_DIR / "celery-worker" / f"{request.node.name}.log"
    with running_worker(log_path=log, extra_env={"BACKUP_DIR": str(folder)}):
        weekly_backup.delay()

        def manifest():
            """the worker wrote the backup's manifest"""
            return list(folder.glob("motcua-*/manifest.json"))

        (written,) = wait_for(manifest, timeout=120)
    assert written.parent.name == "motcua-20260315-010000"
    content = json.loads(written.read_text())
    assert content["engine"] == "postgresql" and content["files"]["database.pgdump"]["size"] > 0
