"""`manage.py seed_demo`: load the demo province (idempotent), then print the demo logins.

Runs every step registered with ``portal.seed.register`` in order, each inside its own transaction, so a failing
step leaves the earlier ones in place and nothing half-written of its own.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import seed


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu của tỉnh demo (chạy lại bao nhiêu lần cũng được) và in các tài khoản demo."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only", action="append", default=[], metavar="STEP", help="Chỉ chạy bước này (có thể lặp lại)."
        )
        parser.add_argument(
            "--list", dest="list_steps", action="store_true", help="Liệt kê các bước đã đăng ký rồi thoát."
        )

    def handle(self, *args, only: list[str], list_steps: bool, **options) -> None:
        registered = seed.steps()
        if list_steps:
            for step in registered:
                self.stdout.write(f"{step.order:>4}  {step.name}")
            return
        unknown = set(only) - {step.name for step in registered}
        if unknown:
            names = ", ".join(step.name for step in registered)
            raise CommandError(f"Không có bước {', '.join(sorted(unknown))}. Các bước: {names}.")
        selected = [step for step in registered if not only or step.name in only]

        for step in selected:
            self.stdout.write(self.style.MIGRATE_HEADING(f"[{step.order}] {step.name}"))
            started = time.monotonic()
            try:
                with transaction.atomic():
                    step.run(self._log)
            except Exception as exc:
                raise CommandError(f"Bước {step.name!r} thất bại: {exc}") from exc
            self.stdout.write(f"    xong trong {time.monotonic() - started:.1f} giây")

        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu ({len(selected)} bước)."))
        for line in seed.demo_login_lines():
            self.stdout.write(line)

    def _log(self, line: str) -> None:
        self.stdout.write(f"    {line}")
