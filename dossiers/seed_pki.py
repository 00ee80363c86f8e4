"""seed_demo step "pki": the demo CA and one signing certificate per agency (idempotent)."""

from __future__ import annotations

from collections.abc import Callable

from dossiers import pki


def seed_pki(log: Callable[[str], None]) -> None:
    report = pki.ensure_demo_pki()
    log(f"PKI demo ({report.directory}): {len(report.created)} chứng thư mới, {len(report.kept)} chứng thư giữ nguyên.")
