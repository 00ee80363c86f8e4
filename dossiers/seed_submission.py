"""Demo data of the citizen's side: Nguyễn Văn An keeps a scan of his citizen ID card in the document store, verified
at the provincial desk, so that the demo shows "documents given once are not asked again" (Bắc Ninh 13/2018) on any
procedure whose components accept it. Idempotent: a second run finds the document and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile

DEMO_CITIZEN = "nguyenvanan@example.vn"
DEMO_VERIFIER = "motcua.tinh@longan.gov.vn"
DEMO_NUMBER = "080090001234"


def _scan(name: str, number: str) -> bytes:
    from dossiers.documents.render import html_to_pdf

    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
      @page {{ size: 86mm 54mm; margin: 4mm; }} body {{ font-family: "Liberation Sans", sans-serif; font-size: 8pt; }}
      h1 {{ font-size: 9pt; text-align: center; margin: 0 0 2mm; }} p {{ margin: 1mm 0; }}
    </style></head><body>
      <h1>CĂN CƯỚC CÔNG DÂN (bản chụp mẫu)</h1>
      <p>Số: {escape(number)}</p><p>Họ và tên: {escape(name)}</p>
      <p>Dữ liệu trình diễn — không có giá trị pháp lý.</p>
    </body></html>"""
    return html_to_pdf(html)


def seed_submission(log: Callable[[str], None]) -> None:
    from dossiers.models import StoredDocument
    from dossiers.services import store
    from portal.models import User
    from procedures.models import DocumentKind

    citizen = User.objects.filter(email=DEMO_CITIZEN).first()
    kind = DocumentKind.objects.filter(code="cccd").first()
    if citizen is None or kind is None:
        log("kho dữ liệu: chưa có công dân mẫu hoặc loại giấy tờ CCCD, bỏ qua")
        return
    if StoredDocument.objects.filter(owner=citizen, kind=kind, number=DEMO_NUMBER).exists():
        log("kho dữ liệu: giữ nguyên giấy tờ mẫu")
        return
    document = store.stored_document_add(
        owner=citizen,
        data=store.StoredDocumentData(
            kind=kind,
            number=DEMO_NUMBER,
            issuer="Cục Cảnh sát quản lý hành chính về trật tự xã hội",
            issued_on=date(2021, 4, 15),
            valid_until=date(2030, 5, 12),
        ),
        file=SimpleUploadedFile("can-cuoc-cong-dan.pdf", _scan(citizen.full_name, DEMO_NUMBER), "application/pdf"),
    )
    verifier = User.objects.filter(email=DEMO_VERIFIER).first()
    if verifier is not None:
        store.stored_document_verify(document=document, by=verifier)
    log(f"kho dữ liệu: {citizen.display_name} có bản chụp căn cước (đã xác thực)")
