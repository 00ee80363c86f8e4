"""The citizen's personal document store (kho dữ liệu điện tử của tổ chức, cá nhân — Bình Định 27/2020).

A citizen keeps documents here once (kind, number, issuer, dates, the scanned file) and reuses them in later
dossiers: "những giấy tờ ... đã cung cấp một lần ... nếu còn giá trị sử dụng thì không phải cung cấp lại" (Bắc Ninh
13/2018). A receiving officer who compared the original marks a document verified (``identity.verify``); changing
its file or number afterwards would need a new document, so the verification always refers to what was seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from dossiers import uploads
from dossiers.models import Attachment, StoredDocument
from dossiers.services.attachments import discard_files_on_error, remember_saved_file
from portal import audit, clock
from portal.exceptions import NotAllowed, PortalError, ValidationProblems
from portal.models import User
from portal.permissions import may_somewhere
from procedures.models import Component, DocumentKind

STORE_TYPES = ("pdf", "jpeg", "png")


def store_max_size_mb() -> int:
    """Largest file a citizen may keep in the store (setting STORE_MAX_SIZE_MB, 10 MB by default)."""
    return int(getattr(settings, "STORE_MAX_SIZE_MB", 10))


@dataclass(frozen=True)
class StoredDocumentData:
    """What the citizen types about a document."""

    kind: DocumentKind
    number: str = ""
    issuer: str = ""
    issued_on: date | None = None
    valid_until: date | None = None


def _problems(data: StoredDocumentData, *, today: date) -> list[str]:
    problems = []
    if data.issued_on and data.issued_on > today:
        problems.append(_("Ngày cấp không được sau hôm nay."))
    if data.issued_on and data.valid_until and data.valid_until < data.issued_on:
        problems.append(_("Ngày hết hiệu lực phải sau ngày cấp."))
    if len(data.number) > 100:
        problems.append(_("Số, ký hiệu dài tối đa 100 ký tự."))
    if len(data.issuer) > 255:
        problems.append(_("Cơ quan cấp dài tối đa 255 ký tự."))
    return problems


def stored_document_add(*, owner: User, data: StoredDocumentData, file) -> StoredDocument:
    """Keep a document in the owner's store; the file is checked by content like any attachment."""
    if owner is None or not owner.is_authenticated:
        raise NotAllowed(_("Cần đăng nhập để dùng kho dữ liệu."))
    problems = _problems(data, today=clock.today())
    cleaned = None
    try:
        cleaned = uploads.inspect(file, allowed=STORE_TYPES, max_size_mb=store_max_size_mb())
    except ValidationProblems as exc:
        problems += exc.problems or [exc.message]
    if problems:
        raise ValidationProblems(_("Chưa lưu được giấy tờ vào kho dữ liệu."), problems=problems)
    assert cleaned is not None
    with discard_files_on_error(), transaction.atomic():
        document = StoredDocument(
            owner=owner,
            kind=data.kind,
            number=data.number.strip(),
            issuer=data.issuer.strip(),
            issued_on=data.issued_on,
            valid_until=data.valid_until,
            original_name=cleaned.name,
            content_type=cleaned.content_type,
            size=cleaned.size,
            sha256=cleaned.sha256,
        )
        document.file.save(cleaned.name, ContentFile(cleaned.content), save=False)
        remember_saved_file(document.file)
        document.full_clean(exclude=["file"])
        document.save()
    return document


def stored_document_delete(*, document: StoredDocument, by: User) -> None:
    """Delete a document from the store. Dossiers that used it keep their own copy; the document itself stays
    while a dossier names it as its source (it is the record of what was reused)."""
    if document.owner_id != getattr(by, "pk", None):
        raise NotAllowed(_("Giấy tờ này không có trong kho dữ liệu của bạn."))
    if Attachment.objects.filter(source_document=document).exists():
        raise PortalError(
            _(
                "Giấy tờ này đã được dùng trong hồ sơ nên được giữ lại làm căn cứ. Nếu giấy tờ đã hết hiệu lực, "
                "hãy thêm giấy tờ mới: giấy tờ hết hiệu lực không được đề xuất dùng lại."
            )
        )
    name, storage = document.file.name, document.file.storage
    try:
        with transaction.atomic():
            document.delete()
    except ProtectedError:
        raise PortalError(_("Giấy tờ này đang được dùng trong hồ sơ nên chưa xoá được.")) from None
    transaction.on_commit(lambda: storage.delete(name))


def stored_document_verify(*, document: StoredDocument, by: User) -> StoredDocument:
    """An officer who compared the original marks the stored copy verified (xác thực giấy tờ)."""
    if not may_somewhere(by, "identity.verify"):
        raise NotAllowed(_("Bạn không có quyền xác thực giấy tờ của công dân."))
    with transaction.atomic():
        locked = StoredDocument.objects.select_for_update().get(pk=document.pk)
        if locked.verified_at is None:
            locked.verified_at = clock.now()
            locked.verified_by = by
            locked.save(update_fields=["verified_at", "verified_by"])
            audit.record(
                "store.document_verified",
                actor=by,
                target=locked.owner,
                data={"document": locked.pk, "kind": locked.kind.code},
            )
    return locked


# --------------------------------------------------------------------------------------------- reuse


def is_valid_on(document: StoredDocument, day: date) -> bool:
    return document.valid_until is None or document.valid_until >= day


def reuse_problems(*, document: StoredDocument, component: Component, today: date) -> list[str]:
    """Why a stored document cannot stand for a component (empty when it can)."""
    problems = []
    if not component.document_kinds.filter(pk=document.kind_id).exists():
        problems.append(
            _("“%(kind)s” không phải loại giấy tờ mà “%(component)s” nhận.")
            % {"kind": document.kind.name, "component": component.name}
        )
    if not is_valid_on(document, today):
        problems.append(
            _("Giấy tờ “%(doc)s” đã hết hiệu lực từ %(date)s.")
            % {"doc": document, "date": document.valid_until.strftime("%d/%m/%Y")}
        )
    kind = next((k for k, t in uploads.TYPES.items() if t["mime"] == document.content_type), None)
    if kind not in uploads.allowed_types(component):
        problems.append(
            _("“%(component)s” chỉ nhận: %(types)s.")
            % {"component": component.name, "types": uploads.type_labels(uploads.allowed_types(component))}
        )
    return problems
