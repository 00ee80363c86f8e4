"""`manage.py backup`: back up the database and the media files into BACKUP_DIR, then rotate."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp đính kèm vào BACKUP_DIR, giữ lại BACKUP_KEEP bản mới nhất."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", dest="folder", type=Path, help="Thư mục sao lưu (mặc định: BACKUP_DIR).")
        parser.add_argument("--keep", type=int, help="Số bản giữ lại (mặc định: BACKUP_KEEP).")
        parser.add_argument("--list", dest="list_only", action="store_true", help="Chỉ liệt kê các bản sao lưu.")

    def handle(self, *args, folder: Path | None, keep: int | None, list_only: bool, **options) -> None:
        folder = folder or backup.backup_dir()
        if list_only:
            backups = backup.list_backups(folder=folder)
            if not backups:
                self.stdout.write(f"Chưa có bản sao lưu nào trong {folder}.")
            for item in backups:
                self.stdout.write(
                    f"{item.name}  {item.created_at:%d/%m/%Y %H:%M}  {item.engine:<10}  "
                    f"{item.manifest.get('media_files', 0)} tệp  {item.size / 1024 / 1024:.1f} MB"
                )
            return
        try:
            made = backup.create_backup(folder=folder, keep=keep, log=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Xong: {made.path}"))
