"""QR codes printed on issued papers (Long An 30/2019 art 14.2: the receipt carries a QR code to look the dossier up).

The receipt's QR code holds exactly the lookup URL with the dossier's secret (DESIGN §8,
``PORTAL_BASE_URL + /tra-cuu/<code>/?k=<secret>``): any phone camera opens it, and the lookup page shows the
appointment time and the timeline. The appointment time is printed beside the code.
"""

from __future__ import annotations

import base64
import io

import qrcode
from django.conf import settings

from dossiers import codes
from dossiers.models import Dossier


def lookup_url(dossier: Dossier) -> str:
    """The absolute lookup URL of ``dossier``; it needs the dossier's code and secret (issued at acceptance)."""
    if not dossier.code or not dossier.lookup_secret:
        raise ValueError("A dossier has a lookup URL only once it has a code and a lookup secret.")
    return settings.PORTAL_BASE_URL.rstrip("/") + codes.lookup_path(dossier)


def png_data_uri(payload: str, *, box_size: int = 1, border: int = 2) -> str:
    """``data:image/png;base64,…`` of a QR code for ``payload``, one pixel per module.

    The template scales it up with ``image-rendering: pixelated`` (no interpolation in the PDF), so every module
    stays a sharp square at any printer resolution, while WeasyPrint only has a few hundred pixels to embed; an SVG
    of the same code costs WeasyPrint more than the whole page's layout to draw, path by path. Error correction M
    (15 %) survives a fold or a smudge on a paper slip while keeping the code small.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
