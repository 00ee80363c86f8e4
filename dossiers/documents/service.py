"""Issue and store documents: render a form, keep its PDF with the dossier (private storage, SHA-256), reprint.

``issue`` always renders from the current data. Rendering is deterministic, so when the data did not change the
PDF is byte-identical and ``issue`` returns the document already stored (a reprint is the same document, with the
same number); when the data changed, a new document is stored beside the old one. ``ensure`` is the lazy path for
readers (downloads, the desk): the stored document if its file is there, otherwise it is (re)generated.

Numbers are allocated (and kept) per subject before rendering, outside any long lock; storing takes a short lock per
(dossier, kind) so that two workers issuing the same document at once store it once.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import date
from types import ModuleType
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dossiers import signing
from dossiers.models import Dossier, IssuedDocument, SupplementRequest
from portal.exceptions import PortalError
from portal.models import Agency, User

from . import (
    apology,
    application,
    control_sheet,
    numbering,
    receipt,
    refusal,
    render,
    stop_notice,
    supplement_request,
    tracking_book,
)
from .common import DocumentSpec, person_name

Kind = IssuedDocument.Kind

FORMS: dict[str, ModuleType] = {
    Kind.RECEIPT: receipt,
    Kind.SUPPLEMENT_REQUEST: supplement_request,
    Kind.REFUSAL: refusal,
    Kind.APOLOGY: apology,
    Kind.CONTROL_SHEET: control_sheet,
    Kind.STOP_NOTICE: stop_notice,
    Kind.APPLICATION: application,
}


def _form(kind: str) -> ModuleType:
    try:
        return FORMS[kind]
    except KeyError:
        raise ValueError(f"No form is generated for documents of kind {kind!r}") from None


def build(dossier: Dossier, kind: str, *, by: User | None = None, **extra: Any) -> DocumentSpec:
    """The paper's data (and number), without rendering."""
    form = _form(kind)
    with render.paper_language():
        return form.build(dossier, by=by, **extra)


def render_spec(spec: DocumentSpec) -> bytes:
    return render.render_pdf(spec.template, {**spec.context, "number": spec.number_text}, page_size=spec.page_size)


def render_document(dossier: Dossier, kind: str, *, by: User | None = None, **extra: Any) -> bytes:
    """The PDF of a form for ``dossier``, without storing it."""
    return render_spec(build(dossier, kind, by=by, **extra))


def _lock(*parts: object) -> None:
    if connection.vendor == "postgresql":
        key = zlib.crc32(":".join(str(p) for p in ("motcua:issue", *parts)).encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _file_present(document: IssuedDocument) -> bool:
    return bool(document.file.name) and document.file.storage.exists(document.file.name)


def _store(
    *, dossier: Dossier | None, kind: str, number: str, pdf: bytes, by: User | None, lock_key: object
) -> IssuedDocument:
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        _lock(lock_key, kind)
        same = IssuedDocument.objects.filter(dossier=dossier, kind=kind, sha256=digest, number=number)
        found = same.order_by("-created_at", "-pk").first()
        if found is not None:
            if not _file_present(found):  # the row survived, its file did not: put the identical bytes back
                found.file.save(f"{kind}.pdf", ContentFile(pdf), save=True)
            return found
        document = IssuedDocument(dossier=dossier, kind=kind, number=number, sha256=digest, created_by=by)
        document.file.save(f"{kind}.pdf", ContentFile(pdf), save=False)
        document.save()
    return document


def issue(dossier: Dossier, kind: str, *, by: User | None = None, **extra: Any) -> IssuedDocument:
    """Render form ``kind`` for ``dossier`` and store it; the same data gives back the same stored document.

    ``extra`` is passed to the form: ``supplement_request=`` (Mẫu 02, default the latest), ``reasons=`` (Mẫu 03,
    default the refusal event's note), ``reason=`` (stop notice), ``sets=`` / ``delegate=`` (Mẫu 01).
    """
    spec = build(dossier, kind, by=by, **extra)
    pdf = render_spec(spec)
    return _store(dossier=dossier, kind=kind, number=spec.number_text, pdf=pdf, by=by, lock_key=dossier.pk)


def _current_number(dossier: Dossier, kind: str, extra: dict[str, Any]) -> str | None:
    """The number the document of ``kind`` has (or would have) now, when that tells documents apart."""
    if kind != Kind.SUPPLEMENT_REQUEST:
        return None
    request: SupplementRequest | None = extra.get("supplement_request") or (
        dossier.supplement_requests.order_by("-requested_at", "-pk").first()
    )
    if request is None:
        return ""
    found = numbering.existing(series=supplement_request.SERIES, subject=supplement_request.subject(request))
    return found.text if found else ""


def ensure(dossier: Dossier, kind: str, *, by: User | None = None, **extra: Any) -> IssuedDocument:
    """The stored document of ``kind`` for ``dossier`` if its file is there; otherwise issue it now."""
    documents = IssuedDocument.objects.filter(dossier=dossier, kind=kind)
    number = _current_number(dossier, kind, extra)
    if number is not None:
        documents = documents.filter(number=number) if number else documents.none()
    latest = documents.order_by("-created_at", "-pk").first()
    if latest is not None and _file_present(latest):
        return latest
    return issue(dossier, kind, by=by, **extra)


def issue_tracking_book(
    *,
    agency: Agency,
    start: date,
    end: date,
    by: User | None = None,
    dossiers: QuerySet[Dossier] | None = None,
) -> IssuedDocument:
    """Mẫu 06 for ``agency`` over [start, end] (default: the dossiers it received then), stored without a dossier."""
    with render.paper_language():
        spec = tracking_book.build(agency=agency, start=start, end=end, dossiers=dossiers)
    pdf = render_spec(spec)
    label = tracking_book.label(agency=agency, start=start, end=end)
    return _store(dossier=None, kind=Kind.TRACKING_BOOK, number=label, pdf=pdf, by=by, lock_key=f"book:{agency.pk}")


# --------------------------------------------------------------------------------------------- signed documents


def _source_of_proposal(dossier: Dossier) -> tuple[IssuedDocument | None, str]:
    """The draft the specialist proposed (the latest ``propose`` event) and its outcome."""
    event = dossier.events.filter(action="propose").order_by("-at", "-pk").first()
    if event is None:
        return None, ""
    document = IssuedDocument.objects.filter(pk=(event.data or {}).get("document"), dossier=dossier).first()
    return document, (event.data or {}).get("outcome", "")


def sign_result(
    dossier: Dossier,
    *,
    by: User,
    source: IssuedDocument | None = None,
    agency: Agency | None = None,
    kind: str | None = None,
) -> IssuedDocument:
    """The leader's signature on the proposed result (ND 45/2020 art 14; issue 6 point 6): the draft is signed with
    the competent agency's certificate, verified, and stored as the result (or the reasoned rejection letter).

    Call it before ``workflow.approve(dossier, by=…, signed_result=…)``: a signing failure then changes nothing.
    """
    proposed, outcome = _source_of_proposal(dossier)
    source = source or proposed
    if source is None or source.dossier_id != dossier.pk:
        raise PortalError(_("Hồ sơ chưa có dự thảo kết quả để ký."))
    kind = kind or (Kind.REJECTION if outcome == "rejected" else Kind.RESULT)
    agency = agency or dossier.competent_agency
    with source.file.open("rb") as handle:
        original = handle.read()
    signed = signing.sign_pdf(
        original,
        agency=agency,
        reason=_("Phê duyệt kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code or dossier.pk},
        signer_name=person_name(by),
    )
    verdict = signing.verify_pdf(signed)
    document = IssuedDocument(
        dossier=dossier,
        kind=kind,
        number=source.number,
        sha256=hashlib.sha256(signed).hexdigest(),
        created_by=by,
        signed_at=verdict.signing_time,
        signer_name=f"{person_name(by)} — {agency.name}",
        signature_verdict=verdict.to_dict(),
    )
    document.file.save(f"{kind}.pdf", ContentFile(signed), save=False)
    document.save()
    return document


def check_signature(document: IssuedDocument, *, original: bytes | None = None) -> signing.SignatureVerdict:
    """Verify the signatures of a stored document and keep the verdict on it."""
    with document.file.open("rb") as handle:
        verdict = signing.verify_pdf(handle.read(), original=original)
    document.signature_verdict = verdict.to_dict()
    if verdict.signatures and verdict.signing_time and not document.signed_at:
        document.signed_at = verdict.signing_time
    if verdict.signer and not document.signer_name:
        document.signer_name = verdict.signer[:255]
    document.save(update_fields=["signature_verdict", "signed_at", "signer_name"])
    return verdict


def store_signed_application(
    dossier: Dossier, *, data: bytes, by: User | None = None
) -> tuple[IssuedDocument, signing.SignatureVerdict]:
    """Keep the application a level-4 citizen signed and uploaded, with its verdict (issue 4 point 6).

    The verdict also says whether the signed file is the application the portal generated (``based_on_original``):
    signing adds to a PDF, so the generated bytes are the start of the signed file.
    """
    generated = IssuedDocument.objects.filter(dossier=dossier, kind=Kind.APPLICATION).order_by("-created_at")
    originals = []
    for candidate in generated[:5]:
        if _file_present(candidate):
            with candidate.file.open("rb") as handle:
                originals.append(handle.read())
    match = next((o for o in originals if data.startswith(o) and len(data) > len(o)), None)
    verdict = signing.verify_pdf(data, original=match or (originals[0] if originals else None))
    document = IssuedDocument(
        dossier=dossier,
        kind=Kind.SIGNED_APPLICATION,
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=by,
        signed_at=verdict.signing_time,
        signer_name=verdict.signer[:255],
        signature_verdict=verdict.to_dict(),
    )
    document.file.save(f"{Kind.SIGNED_APPLICATION}.pdf", ContentFile(data), save=False)
    document.save()
    return document, verdict
