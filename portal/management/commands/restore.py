"""`manage.py restore`: replace the database and the media files with a backup's (latest by default).

Stop web, worker and beat first. ``--into-database-url`` restores into another database instead, e.g. a scratch
one to check that a backup is usable; the media files are then left alone unless ``--media-root`` is given.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Phục hồi cơ sở dữ liệu và tệp đính kèm từ một bản sao lưu (mặc định: bản mới nhất)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", nargs="?", default="latest", help="Tên thư mục, đường dẫn, hoặc 'latest'.")
        parser.add_argument("--dir", type=Path, help="Thư mục sao lưu (mặc định: BACKUP_DIR).")
        parser.add_argument("--into-database-url", help="Phục hồi vào cơ sở dữ liệu này thay cho DATABASE_URL.")
        parser.add_argument("--media-root", type=Path, help="Phục hồi tệp đính kèm vào thư mục này.")
        parser.add_argument("--skip-media", action="store_true", help="Không phục hồi tệp đính kèm.")
        parser.add_argument("--noinput", "--no-input", dest="interactive", action="store_false")

    def handle(self, *args, **options) -> None:
        try:
            chosen = backup.find_backup(options["backup"], folder=options["dir"])
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        db = None
        media_root = options["media_root"]
        restore_media = not options["skip_media"]
        target = "cơ sở dữ liệu đang dùng"
        if url := options["into_database_url"]:
            db = environ.Env.db_url_config(url)
            target = f"cơ sở dữ liệu {db['NAME']}"
            restore_media = restore_media and media_root is not None
        if restore_media:
            target += " và tệp đính kèm"
        self.stdout.write(f"Bản sao lưu {chosen.name} ({chosen.created_at:%d/%m/%Y %H:%M}, {chosen.engine}).")
        if options["interactive"]:
            answer = input(f"Dữ liệu hiện có của {target} sẽ bị thay thế. Gõ 'yes' để tiếp tục: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Đã huỷ, không có gì thay đổi.")
        try:
            backup.restore_backup(
                chosen, db=db, media_root=media_root, restore_media=restore_media, log=self.stdout.write
            )
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS("Xong. Chạy `manage.py migrate` nếu mã nguồn mới hơn bản sao lưu."))
