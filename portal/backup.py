"""Backups (sao lưu dữ liệu): the database and the media files, into BACKUP_DIR, with rotation.

Long An QĐ 30/2019 art 4.6 asks that dossier data be backed up at least once a week; beat runs
``portal.backup.weekly`` (portal/tasks/backup.py), and ``manage.py backup`` / ``manage.py restore`` do it by hand.

One backup is one folder ``motcua-YYYYmmdd-HHMMSS/`` holding the database (``database.pgdump``, pg_dump's custom
format, on PostgreSQL; ``database.sqlite3``, SQLite's online backup API, on the embedded default), the media
files (``media.tar.gz``) and ``manifest.json`` with their checksums. A backup is written under a ``.partial-``
name and renamed when complete, so a crash never leaves something that looks like a backup. Restoring checks the
checksums first, then replaces the database in one transaction, then the media files.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from portal import clock
from portal.exceptions import PortalError

logger = logging.getLogger("motcua.backup")

Log = Callable[[str], None]
DbSettings = dict[str, Any]  # a Django DATABASES entry

PREFIX = "motcua-"
PARTIAL_PREFIX = ".partial-"
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
FORMAT_VERSION = 1
ENGINES = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(PortalError):
    code = "backup"


class BackupInProgress(BackupError):
    code = "backup_in_progress"


@dataclass(frozen=True)
class Backup:
    """A complete backup folder and what its manifest says."""

    path: Path
    created_at: datetime
    engine: str
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return sum(entry["size"] for entry in self.manifest["files"].values())


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", Path(settings.VAR_DIR) / "backups"))


def default_keep() -> int:
    return int(getattr(settings, "BACKUP_KEEP", 8))


def database_settings(alias: str = "default") -> DbSettings:
    return connections[alias].settings_dict


def engine_of(db: DbSettings) -> str:
    try:
        return ENGINES[db["ENGINE"]]
    except KeyError:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại {db['ENGINE']}.") from None


# --- listing and rotation -------------------------------------------------------------------------------------


def list_backups(*, folder: Path | None = None) -> list[Backup]:
    """Complete backups in the folder, newest first (folders without a readable manifest are ignored)."""
    folder = folder or backup_dir()
    found = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        if not (path.is_dir() and path.name.startswith(PREFIX)):
            continue
        try:
            manifest = json.loads((path / MANIFEST).read_text())
            found.append(Backup(path, datetime.fromisoformat(manifest["created_at"]), manifest["engine"], manifest))
        except (OSError, ValueError, KeyError):
            continue
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


def find_backup(reference: str, *, folder: Path | None = None) -> Backup:
    """A backup by folder name, by path, or ``latest``."""
    folder = folder or backup_dir()
    if reference == "latest":
        backups = list_backups(folder=folder)
        if not backups:
            raise BackupError(f"Chưa có bản sao lưu nào trong {folder}.")
        return backups[0]
    path = Path(reference)
    if not path.is_absolute() and not path.exists():
        path = folder / reference
    matches = [b for b in list_backups(folder=path.parent) if b.path == path]
    if not matches:
        raise BackupError(f"Không tìm thấy bản sao lưu hoàn chỉnh {reference} (thư mục {folder}).")
    return matches[0]


def rotate(*, keep: int, folder: Path | None = None) -> list[Path]:
    """Delete all but the ``keep`` newest complete backups, and partial ones left by a crash a day ago."""
    if keep < 1:
        raise BackupError("Phải giữ lại ít nhất một bản sao lưu.")
    folder = folder or backup_dir()
    removed = [b.path for b in list_backups(folder=folder)[keep:]]
    if folder.is_dir():
        stale = time.time() - 24 * 3600  # file times are wall-clock times, whatever the portal clock says
        removed += [p for p in folder.iterdir() if p.name.startswith(PARTIAL_PREFIX) and p.stat().st_mtime < stale]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
        logger.info("backup removed", extra={"backup": path.name})
    return removed


# --- creating -------------------------------------------------------------------------------------------------


def create_backup(
    *,
    db: DbSettings | None = None,
    media_root: Path | None = None,
    folder: Path | None = None,
    keep: int | None = None,
    log: Log = logger.info,
) -> Backup:
    """Back up the database and the media files into a new folder, then rotate."""
    db = db or database_settings()
    engine = engine_of(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    folder = folder or backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder):
        created_at = timezone.localtime(clock.now())
        name = _free_name(folder, f"{PREFIX}{created_at:%Y%m%d-%H%M%S}")
        partial = folder / f"{PARTIAL_PREFIX}{name}"
        partial.mkdir()
        try:
            db_file = partial / DATABASE_FILES[engine]
            if engine == "postgresql":
                _pg_dump(db, db_file)
            else:
                _sqlite_copy(Path(db["NAME"]), db_file)
            log(f"Cơ sở dữ liệu ({engine}): {db_file.name}, {_human(db_file.stat().st_size)}")
            media = partial / MEDIA_ARCHIVE
            count = _archive_media(media_root, media)
            log(f"Tệp đính kèm: {count} tệp từ {media_root}")
            manifest = {
                "format": FORMAT_VERSION,
                "name": name,
                "created_at": created_at.isoformat(),
                "engine": engine,
                "database": db_file.name,
                "media_files": count,
                "files": {p.name: {"size": p.stat().st_size, "sha256": _sha256(p)} for p in (db_file, media)},
            }
            (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            _fsync_dir(partial)
            final = folder / name
            partial.rename(final)
            _fsync_dir(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        backup = Backup(final, created_at, engine, manifest)
        removed = rotate(keep=keep if keep is not None else default_keep(), folder=folder)
    log(f"Đã sao lưu vào {final} ({_human(backup.size)}); xoá {len(removed)} bản cũ.")
    return backup


def weekly_backup(*, min_interval: timedelta = timedelta(hours=20)) -> Backup | None:
    """The beat timer's backup: skipped when a backup is younger than ``min_interval`` (a run twice or late)."""
    backups = list_backups()
    if backups and clock.now() - backups[0].created_at < min_interval:
        logger.info("weekly backup skipped: %s is recent", backups[0].name)
        return None
    try:
        return create_backup()
    except BackupInProgress:
        logger.info("weekly backup skipped: another backup is running")
        return None


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One backup or restore at a time on this backup folder (an advisory lock, released if the process dies)."""
    with open(folder / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupInProgress("Một lần sao lưu hoặc phục hồi khác đang chạy; hãy thử lại sau.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_name(folder: Path, name: str) -> str:
    candidate, n = name, 1
    while (folder / candidate).exists() or (folder / f"{PARTIAL_PREFIX}{candidate}").exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def _pg_env(db: DbSettings) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if sslmode := (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client program, or a clear refusal."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Thiếu chương trình {name} (gói postgresql-client): hãy cài đặt rồi thử lại.")
    return path


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    # A fixed argument list of our own (no shell); only the database name comes from settings.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what.capitalize()} thất bại: {result.stderr.strip()}")


def _pg_dump(db: DbSettings, target: Path) -> None:
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            "--dbname",
            db["NAME"],
        ],
        env=_pg_env(db),
        what="sao lưu cơ sở dữ liệu",
    )


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the portal writes."""
    if not source.exists():
        raise BackupError(f"Không có tệp cơ sở dữ liệu {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _archive_media(media_root: Path, target: Path) -> int:
    count = 0
    with tarfile.open(target, "w:gz") as tar:
        top = tarfile.TarInfo("media")
        top.type, top.mode, top.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
        tar.addfile(top)
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                relative = path.relative_to(media_root)
                if relative.parts[0].startswith(".restore-"):
                    continue
                tar.add(path, arcname=str(Path("media") / relative), recursive=False)
                count += path.is_file()
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


# --- restoring ------------------------------------------------------------------------------------------------


def verify(backup: Backup) -> None:
    """Refuse a backup whose files are missing or changed since it was written."""
    for name, expected in backup.manifest["files"].items():
        path = backup.path / name
        if not path.is_file():
            raise BackupError(f"Bản sao lưu {backup.name} thiếu tệp {name}.")
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"Tệp {name} của bản sao lưu {backup.name} đã bị thay đổi hoặc hỏng.")


def restore_backup(
    backup: Backup,
    *,
    db: DbSettings | None = None,
    media_root: Path | None = None,
    restore_media: bool = True,
    log: Log = logger.info,
) -> None:
    """Replace the database (and the media files) with the backup's. The database part is all or nothing."""
    db = db or database_settings()
    engine = engine_of(db)
    if engine != backup.engine:
        raise BackupError(
            f"Bản sao lưu {backup.name} là của {backup.engine}, không phục hồi được vào cơ sở dữ liệu {engine}."
        )
    verify(backup)
    with _exclusive(backup.path.parent):
        db_file = backup.path / backup.manifest["database"]
        if engine == "postgresql":
            _pg_restore(db, db_file)
        else:
            _sqlite_restore(db_file, Path(db["NAME"]))
        log(f"Đã phục hồi cơ sở dữ liệu từ {backup.name}.")
        if restore_media:
            media_root = Path(media_root or settings.MEDIA_ROOT)
            count = _restore_media(backup.path / MEDIA_ARCHIVE, media_root)
            log(f"Đã phục hồi {count} tệp đính kèm vào {media_root}.")


def _pg_restore(db: DbSettings, dump: Path) -> None:
    """pg_restore's SQL, after emptying the schema, through psql in one transaction: all or nothing.

    Emptying the schema (rather than ``pg_restore --clean``) also drops tables that newer migrations created
    after the backup, so ``migrate`` works afterwards. A lock held by a running portal process makes it fail
    after a minute instead of waiting forever: stop web, worker and beat first.
    """
    env = _pg_env(db)
    preamble = b"SET lock_timeout = '60s';\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_out:
        pg_restore, psql = _tool("pg_restore"), _tool("psql")
        producer = subprocess.Popen(  # noqa: S603 — fixed argument list, no shell
            [pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        consumer = subprocess.Popen(  # noqa: S603 — fixed argument list, no shell
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--set",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "--dbname",
                db["NAME"],
            ],
            stdin=subprocess.PIPE,
            stdout=psql_out,
            stderr=subprocess.STDOUT,
            env=env,
        )
        assert producer.stdout is not None and consumer.stdin is not None
        try:
            consumer.stdin.write(preamble)
            shutil.copyfileobj(producer.stdout, consumer.stdin, 1024 * 1024)
        except BrokenPipeError:
            pass  # psql stopped at the first error; its output says which
        finally:
            with contextlib.suppress(BrokenPipeError):
                consumer.stdin.close()
        producer_rc, consumer_rc = producer.wait(), consumer.wait()
        if producer_rc != 0 or consumer_rc != 0:
            restore_err.seek(0)
            psql_out.seek(0)
            detail = (restore_err.read() + psql_out.read()).decode(errors="replace").strip()
            raise BackupError(f"Phục hồi cơ sở dữ liệu thất bại, không có gì thay đổi: {detail[-2000:]}")


def _sqlite_restore(source: Path, target: Path) -> None:
    """Copy the backup over the live file with SQLite's backup API (it takes the write lock while copying)."""
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(f"Phục hồi cơ sở dữ liệu thất bại: {exc}") from exc
    finally:
        src.close()
        dst.close()


def _restore_media(archive: Path, media_root: Path) -> int:
    """Unpack beside the files (same file system, so moves are renames; MEDIA_ROOT may be a mount point)."""
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        unpacked = staging / "media"
        for entry in media_root.iterdir():
            if entry == staging:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in unpacked.iterdir() if unpacked.is_dir() else ():
            entry.rename(media_root / entry.name)
        count = sum(1 for p in media_root.rglob("*") if p.is_file() and staging not in p.parents)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count
