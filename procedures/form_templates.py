"""Small printable form templates (mẫu đơn, tờ khai) generated as DOCX and PDF, for the demo catalogue.

A real province uploads the official templates through the admin; the seed generates look-alikes so that every
level-2+ procedure of the demo has a file to download. Both outputs are deterministic (same spec, same bytes),
which keeps ``seed_demo`` idempotent: the import compares files by their hash.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.html import escape as html_escape

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class FormSpec:
    title: str
    basis: str = ""  # "Mẫu … ban hành kèm theo Thông tư …"
    addressee: str = ""
    lines: tuple[str, ...] = ()
    pledge: str = "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật."
    signer: str = "NGƯỜI YÊU CẦU"
    extra: tuple[str, ...] = field(default_factory=tuple)


# --- DOCX (WordprocessingML written by hand: no extra dependency) ----------------------------------------------

_FIXED_TIME = (2025, 7, 1, 0, 0, 0)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)


def _paragraph(text: str, *, bold: bool = False, italic: bool = False, center: bool = False, size: int = 26) -> str:
    props = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    props += f'<w:sz w:val="{size}"/>'
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f'<w:p>{ppr}<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_bytes(spec: FormSpec) -> bytes:
    body = [
        _paragraph(MOTTO[0], bold=True, center=True),
        _paragraph(MOTTO[1], bold=True, center=True),
        _paragraph(""),
        _paragraph(spec.title.upper(), bold=True, center=True, size=28),
    ]
    if spec.basis:
        body.append(_paragraph(spec.basis, italic=True, center=True, size=22))
    if spec.addressee:
        body.append(_paragraph(f"Kính gửi: {spec.addressee}", center=True))
    body.append(_paragraph(""))
    body.extend(_paragraph(f"{line}: " + "." * max(10, 90 - len(line))) for line in spec.lines)
    body.extend(_paragraph(text) for text in spec.extra)
    body.append(_paragraph(spec.pledge, italic=True))
    body.append(_paragraph("……, ngày …… tháng …… năm ……", italic=True, center=True))
    body.append(_paragraph(spec.signer, bold=True, center=True))
    body.append(_paragraph("(Ký, ghi rõ họ, chữ đệm, tên)", italic=True, center=True, size=22))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="0" w:footer="0" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# --- PDF (WeasyPrint) ----------------------------------------------------------------------------------------------


def pdf_bytes(spec: FormSpec) -> bytes:
    from weasyprint import HTML

    rows = "".join(f"<p class='line'>{html_escape(line)}: <span class='dots'></span></p>" for line in spec.lines)
    extra = "".join(f"<p>{html_escape(text)}</p>" for text in spec.extra)
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 2cm 2cm 2cm 3cm; }}
      body {{ font-family: "Times New Roman", "Liberation Serif", serif; font-size: 13pt; line-height: 1.5; }}
      .center {{ text-align: center; margin: 0; }} .bold {{ font-weight: bold; }} .italic {{ font-style: italic; }}
      h1 {{ font-size: 14pt; text-align: center; margin: 1.2em 0 .2em; }}
      .line {{ display: flex; margin: .35em 0; }}
      .dots {{ flex: 1; border-bottom: 1px dotted #000; margin-left: .3em; }}
      .sign {{ margin-left: 50%; text-align: center; margin-top: 1.5em; }}
    </style></head><body>
      <p class="center bold">{MOTTO[0]}</p><p class="center bold">{MOTTO[1]}</p>
      <h1>{html_escape(spec.title.upper())}</h1>
      {f'<p class="center italic">{html_escape(spec.basis)}</p>' if spec.basis else ""}
      {f'<p class="center">Kính gửi: {html_escape(spec.addressee)}</p>' if spec.addressee else ""}
      {rows}{extra}
      <p class="italic">{html_escape(spec.pledge)}</p>
      <div class="sign"><p class="italic">……, ngày …… tháng …… năm ……</p>
      <p class="bold">{html_escape(spec.signer)}</p><p class="italic">(Ký, ghi rõ họ, chữ đệm, tên)</p></div>
    </body></html>"""
    return HTML(string=html).write_pdf()


def render(spec: FormSpec, filename: str) -> bytes:
    """The template file named ``filename`` (.docx or .pdf) for ``spec``."""
    if filename.endswith(".pdf"):
        return pdf_bytes(spec)
    if filename.endswith(".docx"):
        return docx_bytes(spec)
    raise ValueError(f"Unsupported template type: {filename}")
