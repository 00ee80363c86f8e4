"""Documents the portal issues for a dossier (TT 01/2018 art 9): Mẫu 01–06, the stop notice, the application PDF.

One module per form builds its data from the dossier and its related rows; ``render.py`` turns a template into a
PDF with WeasyPrint; ``service.py`` issues and stores them (``issue``, ``ensure``). Import from here::

    from dossiers import documents
    documents.issue(dossier, IssuedDocument.Kind.RECEIPT, by=officer)
"""

from .common import DocumentNotAvailable
from .service import (
    check_signature,
    ensure,
    issue,
    issue_tracking_book,
    render_document,
    sign_result,
    store_signed_application,
)

__all__ = [
    "DocumentNotAvailable",
    "check_signature",
    "ensure",
    "issue",
    "issue_tracking_book",
    "render_document",
    "sign_result",
    "store_signed_application",
]
