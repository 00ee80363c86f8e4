"""Backups (Long An QĐ 30/2019 art 4.6: dossier data backed up at least once a week) and restoring them.

PostgreSQL round trip: back up the test database, change it, restore into a scratch database, compare. SQLite:
the same through the service functions on a file of its own (the embedded default's command-level round trip is
in test_serve_demo.py).
"""

from __future__ import annotations

import io
import json
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal import backup, clock
from portal.models import Agency
from portal.tasks.backup import weekly_backup

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, month: int, year: int, hour: int = 1) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "dossiers" / "2026").mkdir(parents=True)
    (root / "dossiers" / "2026" / "giay-to.pdf").write_bytes(b"%PDF-1.7 ban goc")
    (root / "ket-qua.pdf").write_bytes(b"%PDF-1.7 ket qua")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def folder(settings, tmp_path) -> Path:
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def server_url(dbname: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"


@pytest.fixture
def scratch_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def codes_in(dbname: str) -> set[str]:
    with psycopg.connect(server_url(dbname)) as conn:
        return {row[0] for row in conn.execute("SELECT code FROM portal_agency")}


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_the_database_and_files_as_they_were(media, folder, scratch_database, tmp_path):
    Agency.objects.create(code="000.00.04.H41", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    files_then = tree(media)
    out = io.StringIO()
    call_command("backup", stdout=out)
    assert "Đã sao lưu" in out.getvalue()

    # Life goes on after the backup: a new agency, a deleted file.
    Agency.objects.create(code="000.00.07.H41", name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT)
    (media / "ket-qua.pdf").unlink()

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore", "latest", "--noinput", "--into-database-url", server_url(scratch_database),
        "--media-root", str(restored_media), stdout=io.StringIO(),
    )  # fmt: skip
    assert codes_in(scratch_database) == {"000.00.04.H41"}
    assert tree(restored_media) == files_then
    assert set(codes_in(connection.settings_dict["NAME"])) == {"000.00.04.H41", "000.00.07.H41"}  # live DB untouched


@pytest.mark.django_db(transaction=True)
def test_restoring_replaces_everything_even_tables_made_after_the_backup(media, folder, scratch_database):
    Agency.objects.create(code="000.00.04.H41", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    call_command("backup", stdout=io.StringIO())
    target = server_url(scratch_database)
    call_command("restore", "--noinput", "--into-database-url", target, stdout=io.StringIO())
    with psycopg.connect(target, autocommit=True) as conn:  # a later migration's table, and changed rows
        conn.execute("CREATE TABLE later_migration (id int)")
        conn.execute("UPDATE portal_agency SET name = 'đã sửa'")
    call_command("restore", "--noinput", "--into-database-url", target, stdout=io.StringIO())
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT to_regclass('later_migration')").fetchone()[0] is None
        assert conn.execute("SELECT name FROM portal_agency").fetchall() == [("Sở Tư pháp",)]
        # the append-only trigger of the audit log came back with the schema
        assert (
            conn.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'portal_auditentry'::regclass AND NOT tgisinternal"
            ).fetchone()[0]
            >= 1
        )


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_nothing_changes(media, folder, scratch_database):
    Agency.objects.create(code="000.00.04.H41", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    call_command("backup", stdout=io.StringIO())
    made = backup.list_backups()[0]
    dump = made.path / made.manifest["database"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="bị thay đổi hoặc hỏng"):
        call_command(
            "restore", made.name, "--noinput", "--into-database-url", server_url(scratch_database),
            stdout=io.StringIO(),
        )  # fmt: skip
    with psycopg.connect(server_url(scratch_database)) as conn:
        assert conn.execute("SELECT to_regclass('portal_agency')").fetchone()[0] is None


@pytest.mark.django_db
def test_a_postgresql_backup_does_not_go_into_sqlite(media, folder, tmp_path):
    call_command("backup", stdout=io.StringIO())
    with pytest.raises(CommandError, match="postgresql, không phục hồi được vào cơ sở dữ liệu sqlite"):
        call_command(
            "restore", "--noinput", "--into-database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}", stdout=io.StringIO()
        )


@pytest.mark.django_db
def test_restore_asks_before_replacing_data(media, folder, monkeypatch):
    call_command("backup", stdout=io.StringIO())
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Đã huỷ"):
        call_command("restore", stdout=io.StringIO())


@pytest.mark.django_db
def test_weekly_backups_keep_the_newest_backup_keep(media, folder, settings):
    """Sundays at 01:00, BACKUP_KEEP=2: the third Sunday's backup removes the first."""
    settings.BACKUP_KEEP = 2
    for sunday in (at(1, 3, 2026), at(8, 3, 2026), at(15, 3, 2026)):
        clock.freeze(sunday)
        assert weekly_backup() is not None
    names = [b.name for b in backup.list_backups()]
    assert names == ["motcua-20260315-010000", "motcua-20260308-010000"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(names)


@pytest.mark.django_db
def test_the_weekly_task_run_twice_or_late_makes_one_backup(media, folder):
    clock.freeze(at(15, 3, 2026))  # Sunday 01:00
    assert weekly_backup() == "motcua-20260315-010000"
    clock.freeze(at(15, 3, 2026, hour=3))  # delivered again two hours later
    assert weekly_backup() is None
    clock.freeze(at(16, 3, 2026, hour=9))  # the worker was down on Sunday: Monday morning still backs up
    assert weekly_backup() == "motcua-20260316-090000"
    assert len(backup.list_backups()) == 2


@pytest.mark.django_db
def test_one_backup_at_a_time(media, folder):
    folder.mkdir(parents=True)
    with backup._exclusive(folder):
        with pytest.raises(backup.BackupInProgress):
            backup.create_backup()
        assert backup.weekly_backup() is None  # the timer does not fail: the running one is the backup
    assert backup.create_backup().name.startswith("motcua-")


@pytest.mark.django_db
def test_a_crashed_backup_never_counts_and_is_cleared_after_a_day(media, folder):
    import os
    import time

    folder.mkdir(parents=True)
    partial = folder / ".partial-motcua-20260301-010000"
    partial.mkdir()
    (partial / "database.pgdump").write_bytes(b"half")
    assert backup.list_backups() == []
    day_ago = time.time() - 25 * 3600
    os.utime(partial, (day_ago, day_ago))
    backup.create_backup()
    assert not partial.exists()


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    """The embedded default's database: SQLite's online backup API both ways."""
    live = tmp_path / "db.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE dossier (code TEXT)")
        conn.execute("INSERT INTO dossier VALUES ('000.00.01.H41-260315-0001')")
    media_root = tmp_path / "media"
    media_root.mkdir()
    (media_root / "bien-nhan.pdf").write_bytes(b"%PDF receipt")
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}
    made = backup.create_backup(db=db, media_root=media_root, folder=tmp_path / "backups", keep=3, log=lambda _: None)
    assert made.engine == "sqlite" and json.loads((made.path / "manifest.json").read_text())["media_files"] == 1

    with sqlite3.connect(live) as conn:
        conn.execute("INSERT INTO dossier VALUES ('000.00.01.H41-260315-0002')")
    (media_root / "bien-nhan.pdf").unlink()
    (media_root / "moi.pdf").write_bytes(b"new")

    backup.restore_backup(made, db=db, media_root=media_root, log=lambda _: None)
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT code FROM dossier").fetchall() == [("000.00.01.H41-260315-0001",)]
    assert tree(media_root) == {"bien-nhan.pdf": b"%PDF receipt"}
