"""Benchmark: generating Mẫu 01 (receipt with QR code) against WeasyPrint rendering a blank page, in the same run.

    .venv/bin/python benchmarks/bench_documents.py [--rounds 30]

The ratio (Mẫu 01 ÷ blank page) is what matters, not seconds: both run on the same machine in the same process, so
the ratio says how much our data gathering, template and QR code add on top of WeasyPrint itself. Target: ≤ 2×.
Signing the receipt (PAdES B-B with a visible stamp) and verifying it are measured too, for information.

Needs a migrated database (DATABASE_URL; `make bench` uses motcua_bench). Everything it creates — a demo agency, a
procedure, a received dossier with three files, a PKI in a temporary folder — is rolled back or deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

TARGET_RATIO = 2.0
BLANK = "blank A5 page (WeasyPrint)"
RECEIPT = "Mẫu 01 receipt (data + QR + render)"
RECEIPT_HTML = "Mẫu 01 HTML alone (WeasyPrint)"
WORDS = "Mẫu 01 words alone, one paragraph"
SIGN = "sign receipt (PAdES B-B + stamp)"
VERIFY = "verify signed receipt"


class _Rollback(Exception):
    pass


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _interleaved(actions: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Each round runs every action once, one after the other, so that a busy machine slows all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            samples[name].append(_timed(action))
    return samples


def words_alone(receipt_html: str) -> str:
    """The receipt's words as a single paragraph under the same stylesheet, without its tables, lines and QR code.

    Laying out, shaping and embedding the paper's words is work any arrangement of them needs, so this time against
    the blank page is about the least the Mẫu 01 ratio can be for as long as WeasyPrint renders the papers.
    """
    from html import escape, unescape

    from django.utils.html import strip_tags

    head, _sep, body = receipt_html.partition("<body>")
    words = " ".join(unescape(strip_tags(body)).split())
    return f"{head}<body><p>{escape(words)}</p></body></html>"


def _demo_dossier():
    import hashlib

    from django.core.files.base import ContentFile

    from dossiers.models import Attachment, Dossier, DossierEvent, Status
    from portal.models import Agency, User
    from procedures.models import Component, Procedure, ProcedureVersion, Sector

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    province = Agency.objects.create(code="BENCH.00.00.H41", name="Ủy ban nhân dân tỉnh Long An", kind="province")
    centre = Agency.objects.create(
        code="BENCH.00.01.H41",
        name="Trung tâm Phục vụ hành chính công tỉnh Long An",
        kind="centre",
        parent=province,
        address="Số 1 đường Song Hành, phường Tân An, tỉnh Long An",
    )
    justice = Agency.objects.create(code="BENCH.00.04.H41", name="Sở Tư pháp", kind="department", parent=province)
    sector = Sector.objects.create(code="BENCH-LLTP", name="Lý lịch tư pháp")
    procedure = Procedure.objects.create(code="BENCH.2.000488")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        sector=sector,
        administrative_level="province",
        service_level=4,
        competent_agency=justice,
        processing_time_value=Decimal("10"),
    )
    components = [
        Component.objects.create(version=version, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", originals=1),
        Component.objects.create(version=version, name="Bản chụp Căn cước công dân", copies=1, sort_order=2),
    ]
    citizen = User.objects.create_user(email="bench.citizen@example.vn", full_name="Nguyễn Văn An")
    officer = User.objects.create_user(email="bench.officer@example.vn", full_name="Trần Thị Bình", kind="officer")
    received_at = datetime(2026, 11, 23, 9, 15, tzinfo=vn)
    dossier = Dossier.objects.create(
        code="BENCH.00.01.H41-261123-0007",
        lookup_secret="Qx7pL2mZ9rT4wV1k",
        procedure=procedure,
        procedure_version=version,
        sector=sector,
        applicant=citizen,
        applicant_name="Nguyễn Văn An",
        applicant_id_number="080090001234",
        applicant_address="Số 12 đường Hùng Vương, phường Tân An, tỉnh Long An",
        applicant_phone="0912345678",
        applicant_email="bench.citizen@example.vn",
        receiving_agency=centre,
        competent_agency=justice,
        status=Status.RECEIVED,
        received_at=received_at,
        due_at=received_at + timedelta(days=14),
    )
    for n, (component, name) in enumerate(
        [(components[0], "to-khai.pdf"), (components[1], "cccd-truoc.pdf"), (components[1], "cccd-sau.pdf")]
    ):
        content = f"%PDF-1.7 tệp {n}".encode()
        item = Attachment(
            dossier=dossier,
            component=component,
            original_name=name,
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        item.file.save(name, ContentFile(content), save=False)
        item.save()
    DossierEvent.objects.create(
        dossier=dossier, at=received_at, actor=officer, action="accept", from_status="submitted", to_status="received"
    )
    return dossier, justice


def main(argv: list[str] | None = None) -> dict[str, float | bool]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds per measurement (median is kept)")
    args, _unknown = parser.parse_known_args(argv)  # benchmarks/run.py may pass options meant for others

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from dossiers import pki, signing
    from dossiers.documents import render, service
    from dossiers.models import IssuedDocument

    if "dossiers_dossier" not in connection.introspection.table_names():
        raise SystemExit("The database is not migrated: run manage.py migrate first.")

    results: dict[str, float | bool] = {}
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        settings.MEDIA_ROOT = str(Path(scratch) / "media")
        settings.SIGNING_DIR = str(Path(scratch) / "pki")
        settings.SIGNING_TRUST_ROOTS = []
        try:
            with transaction.atomic():
                dossier, justice = _demo_dossier()
                pki.ensure_agency_certificate(justice)
                receipt = IssuedDocument.Kind.RECEIPT

                # Warm up: fonts, templates, imports.
                render.render_blank(page_size="A5")
                pdf = service.render_document(dossier, receipt)
                spec = service.build(dossier, receipt)
                receipt_html = render.render_html(
                    spec.template, {**spec.context, "number": spec.number_text}, page_size=spec.page_size
                )
                words_html = words_alone(receipt_html)
                signed = signing.sign_pdf(pdf, agency=justice)
                signing.verify_pdf(signed)

                samples = _interleaved(
                    {
                        BLANK: lambda: render.render_blank(page_size="A5"),
                        RECEIPT: lambda: service.render_document(dossier, receipt),
                        RECEIPT_HTML: lambda: render.html_to_pdf(receipt_html),
                        WORDS: lambda: render.html_to_pdf(words_html),
                        SIGN: lambda: signing.sign_pdf(pdf, agency=justice),
                        VERIFY: lambda: signing.verify_pdf(signed),
                    },
                    args.rounds,
                )
                raise _Rollback
        except _Rollback:
            pass

    print(f"Documents benchmark — {args.rounds} interleaved rounds, wall time in the same process")
    print(f"  {'':<38} {'median':>9} {'min':>9}   ratio to the blank page (median of per-round ratios)")
    for name, times in samples.items():
        ratios = [t / b for t, b in zip(times, samples[BLANK], strict=True)]
        results[name] = statistics.median(times)
        print(
            f"  {name:<38} {statistics.median(times) * 1000:7.1f}ms {min(times) * 1000:7.1f}ms"
            f"   {statistics.median(ratios):5.2f}×"
        )
    ratio = statistics.median(r / b for r, b in zip(samples[RECEIPT], samples[BLANK], strict=True))
    ours = statistics.median(r / h for r, h in zip(samples[RECEIPT], samples[RECEIPT_HTML], strict=True))
    verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"Mẫu 01 ÷ blank page = {ratio:.2f}× (target ≤ {TARGET_RATIO:.0f}×): {verdict}")
    print(f"Mẫu 01 ÷ WeasyPrint on the same HTML = {ours:.2f}× (what the data, the QR code and the template add)")
    floor = statistics.median(w / b for w, b in zip(samples[WORDS], samples[BLANK], strict=True))
    print(f"Its words alone ÷ blank page = {floor:.2f}× (the floor of the ratio while WeasyPrint lays the papers out)")
    results["ratio"] = ratio
    results["ratio_to_weasyprint_same_html"] = ours
    results["words_alone_ratio"] = floor
    results["passed"] = ratio <= TARGET_RATIO
    return results


if __name__ == "__main__":
    sys.exit(0 if main()["passed"] else 1)
