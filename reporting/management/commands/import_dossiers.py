"""``manage.py import_dossiers FILE.csv``: historical dossiers, all or nothing (see reporting/importing.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reporting.importing import ImportRejected, import_dossiers


class Command(BaseCommand):
    help = "Nhập hồ sơ lịch sử từ tệp CSV (tất cả hoặc không dòng nào)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Tệp CSV (UTF-8) với các cột code, agency_code, procedure_code, channel, …")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                report = import_dossiers(file=handle, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from exc
        except ImportRejected as exc:
            for problem in exc.rows:
                self.stderr.write(str(problem))
            raise CommandError(exc.message) from exc
        verb = "Hợp lệ, có thể nhập" if dry_run else "Đã nhập"
        self.stdout.write(self.style.SUCCESS(f"{verb} {report.imported} hồ sơ ({report.seconds:.1f} giây)."))
