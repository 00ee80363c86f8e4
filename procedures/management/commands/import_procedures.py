"""manage.py import_procedures FILE — load procedures from CSV or JSON (see docs/import_procedures.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.exceptions import PortalError
from procedures.importing import ImportFailed, import_file


class Command(BaseCommand):
    help = "Nhập thủ tục hành chính từ tệp CSV hoặc JSON (định dạng gần với bản xuất của CSDL quốc gia về TTHC)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="Tệp .csv hoặc .json")
        parser.add_argument(
            "--effective-from",
            type=date.fromisoformat,
            default=None,
            help="Ngày hiệu lực (YYYY-MM-DD) cho các dòng không ghi ngày hiệu lực; mặc định: ngay bây giờ.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")

    def handle(self, *args, file: Path, effective_from: date | None, dry_run: bool, **options) -> None:
        try:
            report = import_file(file, effective_from=effective_from, dry_run=dry_run)
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(exc.message) from None
        except PortalError as exc:
            raise CommandError(exc.message) from None
        prefix = "Kiểm tra xong (không ghi): " if dry_run else "Đã nhập: "
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
