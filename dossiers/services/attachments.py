"""Files of a dossier, per component (thành phần hồ sơ), in versions that are never overwritten.

Version 1 holds what was given before the first submission; each supplement round adds the next version (the
first supplement is version 2, and so on), so the history of what was given stays (Bình Định 27/2020: "việc sửa
đổi, bổ sung ... được lưu lại lịch sử"). A file may be removed only in the round it was given, before that round is
sent: the row stays (``removed_at``) and the desk never sees it.

Files are checked by content first (``dossiers.uploads``, outside any lock: that is the slow part); the short write
then locks the dossier row, checks the state and the component's file limit again, and stores. A failure at any
point leaves nothing behind: the stored bytes of a rolled-back write are deleted (``discard_files_on_error``).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dossiers import uploads
from dossiers.models import Attachment, Dossier, Status, StoredDocument
from portal import clock
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from portal.models import PartnerSystem, User
from procedures.models import Component

log = logging.getLogger("motcua.attachments")

# States in which the applicant may change files: the draft, and a supplement being prepared.
SUPPLEMENT_STATES = (Status.INTAKE_SUPPLEMENT, Status.AWAITING_SUPPLEMENT)
EDITABLE_STATES = (Status.DRAFT, *SUPPLEMENT_STATES)

_saved_names: contextvars.ContextVar[list | None] = contextvars.ContextVar("motcua_saved_files", default=None)


@contextmanager
def discard_files_on_error() -> Iterator[None]:
    """Delete the files stored inside the block when the block fails (their database rows are rolled back)."""
    outer = _saved_names.get()
    saved: list = []
    token = _saved_names.set(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            try:
                storage.delete(name)
            except OSError:  # the row is gone; an orphan file is harmless and found by the backup audit
                log.warning("could not delete the file of a rolled-back upload: %s", name)
        raise
    finally:
        _saved_names.reset(token)
        if outer is not None:
            outer.extend(saved)


def remember_saved_file(field_file: Any) -> None:
    """Have ``discard_files_on_error`` delete this stored file if the surrounding block fails."""
    saved = _saved_names.get()
    if saved is not None:
        saved.append((field_file.storage, field_file.name))


# --------------------------------------------------------------------------------------------- rules


def current_version(dossier: Dossier) -> int:
    """The version new files get now: 1 until the first submission, then one more per supplement request."""
    if dossier.status in SUPPLEMENT_STATES:
        return 1 + dossier.supplement_requests.count()
    return 1


def can_change_files(dossier: Dossier) -> bool:
    return dossier.status in EDITABLE_STATES


def _require_editable(dossier: Dossier, *, by: User | None, via: PartnerSystem | None) -> None:
    if via is None and (by is None or dossier.applicant_id != by.pk):
        raise NotAllowed(_("Bạn chỉ có thể thay đổi tệp của hồ sơ của chính mình."))
    if via is not None and dossier.partner_id != via.pk:
        raise NotAllowed(_("Hồ sơ này không do hệ thống của bạn gửi."))
    if dossier.status not in EDITABLE_STATES:
        raise InvalidTransition(
            _("Hồ sơ đang ở trạng thái “%(status)s”: không thể thay đổi tệp đính kèm.")
            % {"status": Status(dossier.status).label}
        )


def _require_component(dossier: Dossier, component: Component) -> None:
    if component.version_id != dossier.procedure_version_id:
        raise NotAllowed(_("Thành phần hồ sơ không thuộc thủ tục của hồ sơ này."))


def _active(dossier: Dossier, component: Component, version: int):
    return Attachment.objects.filter(dossier=dossier, component=component, version=version, removed_at__isnull=True)


def _check_room(dossier: Dossier, component: Component, version: int, *, adding: Sequence[str]) -> None:
    """The component's file limit, and no file twice (by content) in the same round."""
    present = list(_active(dossier, component, version).values_list("sha256", "original_name"))
    problems = []
    if len(present) + len(adding) > component.max_files:
        problems.append(
            ngettext(
                "“%(component)s” nhận tối đa %(n)s tệp; đã có %(have)s tệp.",
                "“%(component)s” nhận tối đa %(n)s tệp; đã có %(have)s tệp.",
                component.max_files,
            )
            % {"component": component.name, "n": component.max_files, "have": len(present)}
        )
    known = {sha: name for sha, name in present}
    seen: set[str] = set()
    for sha in adding:
        if sha in known:
            problems.append(
                _("Tệp này đã được đính kèm vào “%(component)s” (trùng nội dung với “%(name)s”).")
                % {"component": component.name, "name": known[sha]}
            )
        elif sha in seen:
            problems.append(_("Cùng một tệp được chọn hai lần."))
        seen.add(sha)
    if problems:
        raise ValidationProblems(_("Chưa lưu được tệp đính kèm."), problems=problems, code="upload_rejected")


def _store(
    dossier: Dossier,
    component: Component,
    version: int,
    *,
    content: bytes,
    name: str,
    content_type: str,
    sha256: str,
    by: User | None,
    source: StoredDocument | None = None,
) -> Attachment:
    attachment = Attachment(
        dossier=dossier,
        component=component,
        version=version,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=sha256,
        uploaded_by=by if by is not None and by.is_authenticated else None,
        source_document=source,
    )
    # The storage name comes from the dossier, the content hash and the version, never from the user's file name;
    # the storage refuses to overwrite and picks a free name instead.
    attachment.file.save(name, ContentFile(content), save=False)
    remember_saved_file(attachment.file)
    attachment.full_clean(exclude=["file"])
    attachment.save()
    return attachment


# --------------------------------------------------------------------------------------------- services


def attachments_add(
    *,
    dossier: Dossier,
    component: Component,
    files: Sequence[Any],
    by: User | None,
    via: PartnerSystem | None = None,
) -> list[Attachment]:
    """Add one or more files to a component; every refusal is reported at once and then nothing is stored."""
    if not files:
        raise ValidationProblems(_("Chưa chọn tệp nào."), problems=[_("Hãy chọn ít nhất một tệp để tải lên.")])
    _require_component(dossier, component)
    _require_editable(dossier, by=by, via=via)  # early answer; checked again under the lock
    cleaned = uploads.inspect_all(files, allowed=uploads.allowed_types(component), max_size_mb=component.max_size_mb)
    return attachments_store(dossier=dossier, component=component, files=cleaned, by=by, via=via)


def attachments_store(
    *,
    dossier: Dossier,
    component: Component,
    files: Sequence[uploads.CleanFile],
    by: User | None,
    via: PartnerSystem | None = None,
) -> list[Attachment]:
    """Store files already checked by ``dossiers.uploads`` (the partner API checks a whole push first)."""
    _require_component(dossier, component)
    with discard_files_on_error(), transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        _require_editable(locked, by=by, via=via)
        version = current_version(locked)
        _check_room(locked, component, version, adding=[f.sha256 for f in files])
        return [
            _store(
                locked,
                component,
                version,
                content=f.content,
                name=f.name,
                content_type=f.content_type,
                sha256=f.sha256,
                by=by,
            )
            for f in files
        ]


def attachment_reuse(*, dossier: Dossier, component: Component, document: StoredDocument, by: User) -> Attachment:
    """Attach a document from the applicant's store instead of uploading it again (Bắc Ninh 13/2018: documents
    given once, still valid, are not asked again). The dossier keeps its own copy of the bytes."""
    _require_component(dossier, component)
    if document.owner_id != dossier.applicant_id or document.owner_id != by.pk:
        raise NotAllowed(_("Giấy tờ này không có trong kho dữ liệu của bạn."))
    from dossiers.services import store

    problems = store.reuse_problems(document=document, component=component, today=clock.today())
    if problems:
        raise ValidationProblems(_("Không dùng được giấy tờ này."), problems=problems)
    with document.file.open("rb") as handle:
        content = handle.read()
    with discard_files_on_error(), transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        _require_editable(locked, by=by, via=None)
        version = current_version(locked)
        if _active(locked, component, version).filter(source_document=document).exists():
            raise ValidationProblems(
                _("Giấy tờ này đã được dùng cho thành phần hồ sơ."),
                problems=[_("“%(doc)s” đã được đính kèm vào “%(c)s”.") % {"doc": document, "c": component.name}],
            )
        _check_room(locked, component, version, adding=[document.sha256])
        return _store(
            locked,
            component,
            version,
            content=content,
            name=document.original_name,
            content_type=document.content_type,
            sha256=document.sha256,
            by=by,
            source=document,
        )


def attachment_remove(*, attachment: Attachment, by: User) -> Attachment:
    """Take a file out before its round is sent; the row stays for the record, the desk no longer sees it."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=attachment.dossier_id)
        _require_editable(locked, by=by, via=None)
        row = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if row.removed_at is not None:
            return row
        if row.version != current_version(locked):
            raise InvalidTransition(
                _("Tệp “%(name)s” đã được gửi ở lần nộp trước nên được giữ lại trong hồ sơ; hãy tải lên bản mới.")
                % {"name": row.original_name}
            )
        row.removed_at = clock.now()
        row.save(update_fields=["removed_at"])
        return row
