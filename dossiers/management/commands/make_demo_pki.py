"""manage.py make_demo_pki — a demo CA and one signing certificate per agency, under SIGNING_DIR (var/pki/)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dossiers import pki
from portal.models import Agency


class Command(BaseCommand):
    help = (
        "Tạo CA thử nghiệm và chứng thư số ký văn bản cho từng cơ quan (RSA-2048) trong SIGNING_DIR; "
        "chạy lại không đổi các tệp còn hợp lệ."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", dest="directory", help="Thư mục (mặc định SIGNING_DIR, tức var/pki/).")
        parser.add_argument("agencies", nargs="*", help="Mã định danh của các cơ quan (mặc định: mọi cơ quan).")

    def handle(self, *args, directory: str | None = None, agencies: list[str] | None = None, **options) -> None:
        selected = None
        if agencies:
            selected = list(Agency.objects.filter(code__in=agencies))
            missing = sorted(set(agencies) - {a.code for a in selected})
            if missing:
                raise CommandError(f"Không có cơ quan mã {', '.join(missing)}.")
        report = pki.ensure_demo_pki(directory=Path(directory) if directory else None, agencies=selected)
        for name in report.created:
            self.stdout.write(f"  + {name}")
        self.stdout.write(
            self.style.SUCCESS(f"{report.directory}: {len(report.created)} tạo mới, {len(report.kept)} giữ nguyên.")
        )
