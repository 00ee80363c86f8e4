"""``manage.py rebuild_stats``: recompute every statistics rollup from the dossiers (and optionally check them)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal import clock
from reporting import services, stats
from reporting.checks import compare_with_direct


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu thống kê tổng hợp từ hồ sơ."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Sau khi tính lại, đối chiếu số liệu từng năm với cách đếm trực tiếp từ hồ sơ.",
        )

    def handle(self, *args, check: bool, **options) -> None:
        report = services.rebuild_stats(log_line=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại: {report.dossiers} hồ sơ, {report.slices} lát cắt, {report.rows} dòng tổng hợp "
                f"({report.seconds:.1f} giây)."
            )
        )
        if check:
            today = clock.today()
            mismatches = compare_with_direct(
                periods=[stats.Period.year(y) for y in range(today.year - 2, today.year + 1)]
            )
            if mismatches:
                for line in mismatches:
                    self.stderr.write(line)
                raise CommandError("Số liệu tổng hợp không khớp với cách đếm trực tiếp.")
            self.stdout.write(self.style.SUCCESS("Đối chiếu: khớp."))
