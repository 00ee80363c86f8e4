"""``manage.py seed_bench --dossiers 1000000``: synthetic dossiers for benchmarks, loaded with COPY (PostgreSQL).

Use a database of its own (``make bench`` uses motcua_bench); ``--reset`` empties the dossier tables first and is
refused unless the database name contains "bench".
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dossiers.models import Dossier


class Command(BaseCommand):
    help = "Nạp hồ sơ giả lập (COPY) cho đo hiệu năng, rồi tính lại số liệu thống kê."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dossiers", type=int, default=1_000_000, help="Số hồ sơ (mặc định 1.000.000).")
        parser.add_argument("--seed", type=int, default=20260101, help="Hạt giống ngẫu nhiên (cùng hạt, cùng dữ liệu).")
        parser.add_argument("--reset", action="store_true", help="Xóa hồ sơ hiện có trước (chỉ với CSDL *bench*).")

    def handle(self, *args, dossiers: int, seed: int, reset: bool, **options) -> None:
        from reporting.benchdata import seed_bench

        if connection.vendor != "postgresql":
            raise CommandError("seed_bench cần PostgreSQL (DATABASE_URL=postgres://…).")
        name = connection.settings_dict.get("NAME") or ""
        existing = Dossier.objects.count()
        if reset:
            if "bench" not in name:
                raise CommandError(
                    f"Từ chối xóa dữ liệu của CSDL “{name}”: --reset chỉ dùng cho CSDL có tên chứa bench."
                )
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {Dossier._meta.db_table} RESTART IDENTITY CASCADE")
            existing = 0
        if existing >= dossiers:
            self.stdout.write(f"CSDL “{name}” đã có {existing:,} hồ sơ: không nạp thêm (dùng --reset để nạp lại).")
            return
        if existing:
            raise CommandError(f"CSDL “{name}” đã có {existing:,} hồ sơ; dùng --reset để nạp lại từ đầu.")

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()  # progress shows while it runs, also when redirected to a file

        # Without REDIS_URL the statistics cache is the embedded database cache: make sure its table exists before
        # the long load, not when the rebuilt statistics invalidate it at the end.
        call_command("createcachetable", verbosity=0)
        report = seed_bench(dossiers=dossiers, seed=seed, log=log)
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {report.dossiers:,} hồ sơ; nạp {report.seconds_load:.0f} giây, ANALYZE "
                f"{report.seconds_index:.0f} giây, tổng hợp thống kê {report.seconds_rollups:.0f} giây."
            )
        )
