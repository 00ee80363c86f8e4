"""Serving private files (dossier attachments, issued documents, stored documents) after the caller checked access.

Files live outside the web root (``MEDIA_URL`` is not served); every download goes through a view that found the
object for the signed-in user first, then hands the stored file here.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from dossiers.uploads import TYPES, safe_name

INLINE_TYPES = {TYPES["pdf"]["mime"], TYPES["jpeg"]["mime"], TYPES["png"]["mime"]}


def file_response(field_file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The stored file as a download; PDFs and images open in the browser, in a sandbox, never cached."""
    if not field_file or not field_file.name:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_name(filename),
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != TYPES["pdf"]["mime"]:
        # Opened in a tab, a file runs no script. (PDFs keep the site policy: browsers' PDF viewers do not open in a
        # sandboxed document, and an uploaded PDF carrying scripts was refused at upload.)
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
