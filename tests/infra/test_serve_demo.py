"""`make run` on the embedded defaults: SQLite and kombu's filesystem broker under a fresh VAR_DIR.

The module builds the site the way `make run` does (migrate, createcachetable, seed_demo), then runs the real
`serve_demo`: web, Celery worker and beat as child processes. Its worker must take tasks from the filesystem
queue — the readiness ping and a real task (the weekly backup) — and Ctrl-C must leave no process behind.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS_DIR
from tests.workers import wait_for

from .helpers import ROOT, manage, output

# Variables that would point the site away from its embedded defaults.
SERVER_VARIABLES = {
    "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "BACKUP_DIR", "SIGNING_DIR", "DEBUG",
    "DEMO_MODE", "EMAIL_URL",
}  # fmt: skip


@dataclass(frozen=True)
class Site:
    var: Path
    env: dict[str, str]
    seed_output: str


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    var = tmp_path_factory.mktemp("embedded-var")
    env = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    env.update(VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="portal.settings.dev", PYTHONUNBUFFERED="1")
    results = [manage(*args, env=env, timeout=600) for args in (("migrate", "--noinput"), ("createcachetable",))]
    results.append(manage("seed_demo", env=env, timeout=600))
    for result in results:
        assert result.returncode == 0, output(result)
    return Site(var, env, results[-1].stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_groups() -> dict[int, int]:
    """pid → process group of every process on the machine (from /proc)."""
    groups = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        groups[int(stat.parent.name)] = int(fields[2])
    return groups


def test_seed_demo_on_sqlite_prints_the_logins_and_changes_nothing_the_second_time(site):
    assert "admin@longan.gov.vn" in site.seed_output and "MotCua@2026" in site.seed_output
    again = manage("seed_demo", env=site.env)
    assert again.returncode == 0, output(again)
    assert "Cơ quan: 17 (0 mới)." in again.stdout
    assert "Công dân, doanh nghiệp: 3 (0 mới)." in again.stdout


def test_serve_demo_serves_the_portal_with_a_worker_and_beat_and_stops_them_all(site):
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "serve_demo", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT, env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(serve.stdout.readline, "")), daemon=True)
    reader.start()
    log = ARTIFACTS_DIR / "serve_demo" / "serve_demo.log"
    try:

        def ready():
            """serve_demo printed its banner (or stopped)."""
            return serve.poll() is not None or any("Nhấn Ctrl-C để dừng." in line for line in lines)

        wait_for(ready, timeout=180)
        text = "".join(lines)
        assert serve.poll() is None, text
        assert "Celery worker đã nhận và xử lý tác vụ kiểm tra qua hàng đợi" in text, text
        assert f"Cổng Dịch vụ công đang chạy tại http://127.0.0.1:{port}/" in text
        assert "nguyenvanan@example.vn" in text and "MotCua@2026" in text
        pids = [int(pid) for pid in re.search(r"web pid (\d+), worker pid (\d+), beat pid (\d+)", text).groups()]

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            home = response.read().decode()
            assert response.status == 200 and '<html lang="vi"' in home

        # A real task through the filesystem queue: the weekly backup, sent from another process.
        sent = manage(
            "shell", "-c", "from portal.tasks.backup import weekly_backup; weekly_backup.delay()", env=site.env
        )
        assert sent.returncode == 0, output(sent)

        def backed_up():
            """the worker wrote a complete backup"""
            return list((site.var / "backups").glob("motcua-*/manifest.json"))

        wait_for(backed_up, timeout=120)
        assert (site.var / "celery" / "out").is_dir()  # it went through the filesystem broker

        serve.send_signal(signal.SIGINT)  # Ctrl-C
        assert serve.wait(timeout=60) == 0
        reader.join(timeout=5)
        assert "Đã dừng máy chủ web, worker và beat." in "".join(lines)
        groups = process_groups()
        leftovers = {pid: group for pid, group in groups.items() if group in pids or pid in pids}
        assert not leftovers, f"processes left behind: {leftovers}"
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(lines))


def test_backup_and_restore_commands_on_the_embedded_sqlite_site(site):
    made = manage("backup", env=site.env)
    assert made.returncode == 0, output(made)
    path = re.search(r"Xong: (\S+)", made.stdout)[1]
    assert (Path(path) / "database.sqlite3").is_file()
    media = site.var / "media"

    changed = manage(
        "shell", "-c",
        "from portal.models import Agency; Agency.objects.filter(code='002.01.00.H41').update(name='Đã đổi tên')",
        env=site.env,
    )  # fmt: skip
    assert changed.returncode == 0, output(changed)
    media.mkdir(exist_ok=True)
    (media / "sau-sao-luu.pdf").write_bytes(b"%PDF later")

    restored = manage("restore", path, "--noinput", env=site.env)
    assert restored.returncode == 0, output(restored)
    name = manage(
        "shell", "-c", "from portal.models import Agency; print(Agency.objects.get(code='002.01.00.H41').name)",
        env=site.env,
    )  # fmt: skip
    assert name.stdout.strip().splitlines()[-1] == "Trung tâm Phục vụ hành chính công xã Đức Hòa"
    assert not (media / "sau-sao-luu.pdf").exists()

    listed = manage("backup", "--list", env=site.env)
    assert Path(path).name in listed.stdout and "sqlite" in listed.stdout


def test_without_weasyprints_system_libraries_the_portal_starts_and_says_what_is_missing(site, tmp_path):
    """A bare machine without Pango, imitated by a weasyprint module that fails to load as it would there."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "weasyprint.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    env = {**site.env, "PYTHONPATH": str(shadow)}
    started = manage("check", env=env)  # every app loads: nothing imports WeasyPrint at start-up
    assert started.returncode == 0, output(started)
    probe = manage(
        "shell", "-c", "from portal.processes import weasyprint_problem; print(weasyprint_problem())", env=env
    )
    assert "OSError: cannot load library 'libpango-1.0-0'" in probe.stdout, output(probe)
