"""Reading our PDFs the way a person does: poppler's pdftotext and pdftoppm, zbar's zbarimg."""

from __future__ import annotations

import subprocess
import tempfile
import unicodedata
from pathlib import Path


def pdf_text(pdf: bytes) -> str:
    """The text of every page in drawing order (each column of the letterhead whole), whitespace collapsed and in
    NFC so that diacritics compare as typed."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode("utf-8")).split())


def fonts(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(["pdffonts", handle.name], capture_output=True, check=True).stdout.decode()


def page_count(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def page_size_mm(pdf: bytes) -> tuple[int, int]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    line = next(line for line in out.splitlines() if line.startswith("Page size:"))
    width, height = (float(v) for v in line.split()[2:5:2])
    return round(width / 72 * 25.4), round(height / 72 * 25.4)


def first_page_png(pdf: bytes, path: Path, *, dpi: int = 150) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        stem = path.with_suffix("")
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(source), str(stem)],
            check=True,
        )
    return path


def decode_qr(png: Path) -> list[str]:
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, check=False)
    return [line for line in out.stdout.decode("utf-8").splitlines() if line]


class PdfPage:
    """Stands in for a browser page so that the ``artifacts`` fixture saves page one of a PDF as PNG."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf

    def screenshot(self, *, path: str, full_page: bool = True) -> None:
        first_page_png(self.pdf, Path(path), dpi=110)
