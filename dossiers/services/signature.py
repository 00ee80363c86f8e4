"""The level-4 citizen's digital signature on the application (đơn đề nghị ký số).

The citizen downloads the application PDF the portal generates from the dossier (``dossiers.documents``), signs it
with their own digital signature in their own tool, and uploads the signed file. ``dossiers.signing`` verifies it
against the trust roots; the verdict is shown, stored on an IssuedDocument of kind ``signed_application`` and
summed up in ``Dossier.signature_status``. Without a valid signature the dossier is marked "to be signed at pickup"
(Long An 30/2019 art 8.3: the applicant signs the form and the originals are compared before the result is handed
over).

A signature covers what the application showed when it was generated: every e-form answer and each attached
file's SHA-256. A fingerprint of that content is recorded when the application is issued and when the signed copy
is checked; if the dossier changes afterwards, the signature no longer covers it and the technical check says so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers import documents, signing, uploads, workflow
from dossiers.models import Attachment, Dossier, DossierEvent, IssuedDocument
from dossiers.models.core import SignatureStatus
from dossiers.services.attachments import EDITABLE_STATES
from portal import clock
from portal.exceptions import InvalidTransition, NotAllowed
from portal.models import User

Kind = IssuedDocument.Kind
MAX_SIGNED_MB = 20
_SCAN_BACK = 20  # generated applications compared with an upload (newest first)


def content_fingerprint(dossier: Dossier) -> str:
    """A hash of what the application shows: the e-form answers and the current files' SHA-256 per component."""
    files = sorted(
        Attachment.objects.filter(dossier=dossier, removed_at__isnull=True).values_list("component_id", "sha256"),
        key=lambda row: (row[0] or 0, row[1]),
    )
    payload = json.dumps(
        {"form": dossier.form_data or {}, "files": files}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _require_signer(dossier: Dossier, by: User) -> None:
    if dossier.applicant_id != getattr(by, "pk", None):
        raise NotAllowed(_("Bạn chỉ có thể thao tác trên hồ sơ của chính mình."))
    if not dossier.procedure_version.requires_signature:
        raise InvalidTransition(_("Thủ tục này không yêu cầu ký số đơn."))
    if dossier.status not in EDITABLE_STATES:
        raise InvalidTransition(_("Hồ sơ đã nộp: không thay đổi được chữ ký số của đơn."))


def application_for_signing(*, dossier: Dossier, by: User) -> IssuedDocument:
    """The application PDF to sign, generated from the dossier as it is now (the same file while nothing changes)."""
    _require_signer(dossier, by)
    document = documents.issue(dossier, Kind.APPLICATION, by=by)
    fingerprint = content_fingerprint(dossier)
    already = DossierEvent.objects.filter(
        dossier=dossier, action="application_issued", data__document=document.pk, data__fingerprint=fingerprint
    ).exists()
    if not already:
        workflow.record_event(
            dossier,
            action="application_issued",
            by=by,
            public=False,
            data={"document": document.pk, "sha256": document.sha256, "fingerprint": fingerprint},
        )
    return document


@dataclass(frozen=True)
class SignatureOutcome:
    status: str  # SignatureStatus
    message: str  # what the citizen reads
    verdict: signing.SignatureVerdict
    document: IssuedDocument

    @property
    def ok(self) -> bool:
        return self.status == SignatureStatus.VALID


def _generated_base(dossier: Dossier, data: bytes) -> tuple[IssuedDocument | None, str | None]:
    """The generated application the signed file extends (signing appends to a PDF), and its fingerprint."""
    candidates = IssuedDocument.objects.filter(dossier=dossier, kind=Kind.APPLICATION).order_by("-created_at", "-pk")
    for candidate in candidates[:_SCAN_BACK]:
        try:
            with candidate.file.open("rb") as handle:
                original = handle.read()
        except (FileNotFoundError, OSError, ValueError):
            continue
        if original and data.startswith(original) and len(data) > len(original):
            event = (
                DossierEvent.objects.filter(dossier=dossier, action="application_issued", data__document=candidate.pk)
                .order_by("-at", "-pk")
                .first()
            )
            return candidate, (event.data or {}).get("fingerprint") if event else None
    return None, None


def signed_application_upload(*, dossier: Dossier, by: User, file: Any) -> SignatureOutcome:
    """Keep the signed application with its verdict; the dossier's signature status follows the verdict."""
    _require_signer(dossier, by)
    cleaned = uploads.inspect(file, allowed=("pdf",), max_size_mb=MAX_SIGNED_MB)
    data = cleaned.content  # a PDF's bytes are never rewritten: the signature covers them
    base, fingerprint_then = _generated_base(dossier, data)
    document, verdict = documents.store_signed_application(dossier, data=data, by=by)
    current = content_fingerprint(dossier)
    if not verdict.status.ok:
        status, message = SignatureStatus.INVALID, verdict.summary
    elif base is None:
        status = SignatureStatus.INVALID
        message = _(
            "Chữ ký số hợp lệ nhưng tệp đã ký không phải là đơn đề nghị do Cổng lập cho hồ sơ này. Hãy tải đơn đề "
            "nghị của hồ sơ về, ký số rồi tải lên."
        )
    elif fingerprint_then != current:
        status = SignatureStatus.INVALID
        message = _(
            "Chữ ký số hợp lệ nhưng hồ sơ đã thay đổi (tờ khai hoặc tệp đính kèm) sau khi tải đơn về để ký. Hãy tải "
            "đơn mới, ký lại rồi tải lên."
        )
    else:
        status, message = SignatureStatus.VALID, verdict.summary
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, status__in=EDITABLE_STATES).update(
            signature_status=status, updated_at=clock.now()
        )
        if updated != 1:
            raise InvalidTransition(_("Hồ sơ vừa được nộp: không thay đổi được chữ ký số của đơn."))
        workflow.record_event(
            dossier,
            action="signature_checked",
            by=by,
            note=message,
            data={
                "status": str(status),
                "verdict": str(verdict.status),
                "document": document.pk,
                "fingerprint": fingerprint_then if status == SignatureStatus.VALID else None,
                "signer": verdict.signer,
            },
        )
    dossier.signature_status = status
    return SignatureOutcome(status=status, message=message, verdict=verdict, document=document)


def signature_at_pickup(*, dossier: Dossier, by: User) -> Dossier:
    """The citizen will sign the application at the desk when collecting the result (Long An 30/2019 art 8.3)."""
    _require_signer(dossier, by)
    if dossier.signature_status == SignatureStatus.AT_PICKUP:
        return dossier
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, status__in=EDITABLE_STATES).update(
            signature_status=SignatureStatus.AT_PICKUP, updated_at=clock.now()
        )
        if updated != 1:
            raise InvalidTransition(_("Hồ sơ vừa được nộp: không thay đổi được chữ ký số của đơn."))
        workflow.record_event(
            dossier,
            action="signature_checked",
            by=by,
            note=_("Người nộp chọn ký đơn khi nhận kết quả."),
            data={"status": str(SignatureStatus.AT_PICKUP)},
        )
    dossier.signature_status = SignatureStatus.AT_PICKUP
    return dossier


def latest_check(dossier: Dossier) -> DossierEvent | None:
    return dossier.events.filter(action="signature_checked").order_by("-at", "-pk").first()


def signed_application(dossier: Dossier) -> IssuedDocument | None:
    event = latest_check(dossier)
    document_id = (event.data or {}).get("document") if event else None
    if not document_id:
        return None
    return IssuedDocument.objects.filter(pk=document_id, dossier=dossier, kind=Kind.SIGNED_APPLICATION).first()


def signature_problems(dossier: Dossier) -> list[str]:
    """What the technical check says about the application's signature (online submissions of level-4 procedures
    that ask for one). No signature is not a problem: the dossier is signed at pickup."""
    if not dossier.procedure_version.requires_signature:
        return []
    if dossier.signature_status == SignatureStatus.INVALID:
        return [
            _("Chữ ký số trên đơn đề nghị không hợp lệ. Hãy tải lên đơn đã ký hợp lệ, hoặc chọn “Ký khi nhận kết quả”.")
        ]
    if dossier.signature_status == SignatureStatus.VALID:
        event = latest_check(dossier)
        signed_for = (event.data or {}).get("fingerprint") if event else None
        if signed_for != content_fingerprint(dossier):
            return [
                _(
                    "Hồ sơ đã thay đổi sau khi ký số đơn đề nghị. Hãy tải đơn mới, ký lại rồi tải lên, hoặc chọn "
                    "“Ký khi nhận kết quả”."
                )
            ]
    return []
