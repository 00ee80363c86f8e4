"""Checking what a citizen uploads, by its content (kiểm tra tệp đính kèm).

The browser's content type and the file's extension are only claims: the type is read from the bytes themselves
(magic numbers), then the file is opened with the library that understands it:

- PDF: pypdf must read every page; encrypted (password-protected) files and files carrying JavaScript or launch
  actions are refused. The bytes are kept unchanged (rewriting would break a digital signature the file carries).
- JPEG, PNG: Pillow decodes the image (decompression bombs refused), turns it upright (EXIF orientation) and
  re-encodes it without metadata, so the GPS position and camera data of a phone photo never reach the dossier.
- DOCX, XLSX: an Office Open XML package (no macros); ZIP: a readable archive of bounded size; XML: well-formed,
  without DOCTYPE or entity declarations.

The extension must agree with the content (``to-khai.jpg`` holding a PDF is refused with the reason), and the size
and type limits come from the dossier component (``Component.allowed_types``, ``max_size_mb``). Every function here
is pure: nothing is stored, so a refused file leaves no trace.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.exceptions import ValidationProblems

DEFAULT_TYPES = ("pdf", "jpeg", "png")

# What each accepted type is called, which extensions name it, and its MIME type.
TYPES: dict[str, dict[str, Any]] = {
    "pdf": {"label": "PDF", "extensions": (".pdf",), "mime": "application/pdf"},
    "jpeg": {"label": "JPEG", "extensions": (".jpg", ".jpeg", ".jpe", ".jfif"), "mime": "image/jpeg"},
    "png": {"label": "PNG", "extensions": (".png",), "mime": "image/png"},
    "docx": {
        "label": "Word (DOCX)",
        "extensions": (".docx",),
        "mime": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    "xlsx": {
        "label": "Excel (XLSX)",
        "extensions": (".xlsx",),
        "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    "xml": {"label": "XML", "extensions": (".xml",), "mime": "application/xml"},
    "zip": {"label": "ZIP", "extensions": (".zip",), "mime": "application/zip"},
}

# Names the sniffer gives to contents that are never documents, said in words a citizen understands (marked for the
# catalog here, translated where the refusal is worded).
_DANGEROUS = {
    "exe": gettext_noop("chương trình máy tính (EXE)"),
    "elf": gettext_noop("chương trình máy tính (ELF)"),
    "dll": gettext_noop("thư viện chương trình (DLL)"),
    "swf": "Flash (SWF)",
    "crx": gettext_noop("tiện ích trình duyệt"),
    "wasm": gettext_noop("mã chương trình (WebAssembly)"),
    "deb": gettext_noop("gói cài đặt phần mềm"),
    "rpm": gettext_noop("gói cài đặt phần mềm"),
    "cab": gettext_noop("gói cài đặt phần mềm"),
}

MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel scan is plenty; more is a decompression bomb
MAX_PDF_PAGES = 500
ZIP_EXPANSION_LIMIT = 20  # an archive may unpack to at most 20× its own size limit


@dataclass(frozen=True)
class CleanFile:
    """A file that passed every check: the bytes to store (images re-encoded) and what they are."""

    content: bytes
    kind: str
    content_type: str
    name: str
    size: int
    sha256: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None


def allowed_types(component: Any) -> tuple[str, ...]:
    """The types a component accepts (PDF, JPEG, PNG by default)."""
    types = tuple(t for t in (getattr(component, "allowed_types", None) or ()) if t in TYPES)
    return types or DEFAULT_TYPES


def type_labels(types: Iterable[str]) -> str:
    return ", ".join(TYPES[t]["label"] for t in types if t in TYPES)


def format_size(size: int) -> str:
    """1 234 567 → '1,2 MB' in Vietnamese (decimal comma), '1.2 MB' in English."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{number_format(round(size / (1024 * 1024), 1), 1)} MB"


def safe_name(name: str, *, kind: str | None = None) -> str:
    """The user's file name, reduced to a harmless base name (no folders, no control characters, ≤ 150 chars).

    When the name has no extension, the one of ``kind`` is added.
    """
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip(" .") or "tep"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if kind and not ext:
        ext = TYPES[kind]["extensions"][0].lstrip(".")
    stem = stem[: 150 - len(ext) - 1] if ext else stem[:150]
    return f"{stem}.{ext}" if ext else stem


def _extension(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix if 1 < len(suffix) <= 6 else ""


# --------------------------------------------------------------------------------------------- sniffing


def sniff(content: bytes) -> str | None:
    """The type the bytes really are: one of TYPES, a name from ``_DANGEROUS``, another sniffed name, or None."""
    head = content[:1024]
    # Programs first: a file that starts as a program and carries "%PDF-" a little later is a polyglot, not a PDF.
    if content.startswith(b"MZ"):
        return "exe"
    if content.startswith(b"\x7fELF"):
        return "elf"
    if b"%PDF-" in head:
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(content)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        return "xml"
    import filetype

    guess = filetype.guess(content[:8192])
    return guess.extension if guess else None


def _zip_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "ooxml"
    return "zip"


# --------------------------------------------------------------------------------------------- per type


def _problem(name: str, message: str) -> ValidationProblems:
    text = _("Tệp “%(name)s”: %(message)s") % {"name": name, "message": message}
    return ValidationProblems(text, problems=[text], code="upload_rejected")


def _check_pdf(content: bytes, name: str) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise _problem(
                    name,
                    _("tệp PDF đang được đặt mật khẩu hoặc mã hoá. Hãy lưu lại bản không đặt mật khẩu rồi tải lên."),
                )
            count = len(reader.pages)
            if count < 1:
                raise _problem(name, _("tệp PDF không có trang nào."))
            if count > MAX_PDF_PAGES:
                raise _problem(name, _("tệp PDF có quá nhiều trang (tối đa %(n)s trang).") % {"n": MAX_PDF_PAGES})
            for page in reader.pages:  # reading each page's content finds damage the header hides
                page.get_contents()
                if page.mediabox is None:
                    raise ValueError("page without a media box")
            root = reader.trailer["/Root"]
            names = root.get("/Names")
            names = names.get_object() if names is not None else {}
            open_action = root.get("/OpenAction")
            open_action = open_action.get_object() if open_action is not None else None
            scripted = "/JavaScript" in names or (
                isinstance(open_action, dict) and open_action.get("/S") in ("/JavaScript", "/Launch")
            )
    except ValidationProblems:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError, AssertionError):
        raise _problem(
            name, _("tệp PDF bị hỏng hoặc không đọc được. Hãy xuất (lưu) lại tệp PDF từ máy quét hoặc phần mềm.")
        ) from None
    if scripted:
        raise _problem(name, _("tệp PDF có chứa mã lệnh tự chạy (JavaScript). Hãy in ra PDF thường rồi tải lên."))
    return count


def _normalise_image(content: bytes, name: str, kind: str) -> tuple[bytes, int, int]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                probe.verify()  # structure and checksums, without decoding
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _problem(
                        name, _("ảnh quá lớn (quá %(n)s triệu điểm ảnh).") % {"n": MAX_IMAGE_PIXELS // 10**6}
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                icc = image.info.get("icc_profile")
                out = io.BytesIO()
                if kind == "jpeg":
                    if upright.mode not in ("RGB", "L"):
                        upright = upright.convert("RGB")
                    params: dict[str, Any] = {"quality": 90, "optimize": True}
                    if icc:
                        params["icc_profile"] = icc
                    upright.save(out, format="JPEG", **params)
                else:
                    if upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
                        upright = upright.convert("RGBA")
                    upright.save(out, format="PNG", optimize=True)
                return out.getvalue(), upright.width, upright.height
    except ValidationProblems:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _problem(name, _("ảnh có kích thước bất thường, không xử lý được.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise _problem(name, _("ảnh bị hỏng hoặc không đọc được. Hãy chụp hoặc quét lại.")) from None


def _check_archive(content: bytes, name: str, kind: str, *, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > max_bytes * ZIP_EXPANSION_LIMIT:
                raise _problem(name, _("tệp nén giải nén ra quá lớn."))
            if kind in ("docx", "xlsx") and any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
                raise _problem(name, _("tệp có chứa macro. Hãy lưu lại ở dạng không có macro (.docx, .xlsx)."))
            if any(i.flag_bits & 0x1 for i in infos):
                raise _problem(name, _("tệp nén đang được đặt mật khẩu."))
            bad = archive.testzip()
            if bad is not None:
                raise _problem(name, _("tệp nén bị hỏng."))
    except ValidationProblems:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        raise _problem(name, _("tệp nén bị hỏng hoặc không đọc được.")) from None


def _check_xml(content: bytes, name: str) -> None:
    from xml.etree import ElementTree

    head = content[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in content.upper():
        raise _problem(name, _("tệp XML có khai báo DOCTYPE/ENTITY, không được chấp nhận."))
    try:
        ElementTree.fromstring(content)  # noqa: S314 - DOCTYPE and entities are refused above
    except ElementTree.ParseError:
        raise _problem(name, _("tệp XML không đúng cú pháp.")) from None


# --------------------------------------------------------------------------------------------- entry points


def read_upload(upload: Any, *, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of an uploaded file (enough to tell that it is too large)."""
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload[: limit + 1])
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks, read = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        chunks.append(chunk)
        read += len(chunk)
        if read > limit:
            break
    return b"".join(chunks)


def inspect(
    upload: Any,
    *,
    name: str | None = None,
    allowed: Sequence[str] = DEFAULT_TYPES,
    max_size_mb: int = 10,
) -> CleanFile:
    """Check one file by its content; ``upload`` is an UploadedFile, a file object or bytes.

    Raises ``ValidationProblems`` with one clear Vietnamese sentence naming the file.
    """
    original = name if name is not None else getattr(upload, "name", "") or "tep"
    display = safe_name(original)
    limit = int(max_size_mb) * 1024 * 1024
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _problem(
            display,
            _("dung lượng %(size)s vượt quá giới hạn %(limit)s MB cho mỗi tệp. Hãy quét với độ phân giải thấp hơn.")
            % {"size": format_size(declared), "limit": max_size_mb},
        )
    content = read_upload(upload, limit=limit)
    if len(content) > limit:
        raise _problem(
            display,
            _("dung lượng vượt quá giới hạn %(limit)s MB cho mỗi tệp. Hãy quét với độ phân giải thấp hơn.")
            % {"limit": max_size_mb},
        )
    if not content:
        raise _problem(display, _("tệp rỗng, không có nội dung."))

    allowed = tuple(t for t in allowed if t in TYPES) or DEFAULT_TYPES
    kind = sniff(content)
    accepted = type_labels(allowed)
    if kind in _DANGEROUS:
        raise _problem(
            display,
            _("nội dung thực của tệp là %(what)s, không phải giấy tờ. Chỉ nhận các định dạng: %(types)s.")
            % {"what": _(_DANGEROUS[kind]), "types": accepted},
        )
    if kind not in allowed:
        if kind in TYPES:
            message = _("định dạng %(kind)s không được nhận cho thành phần hồ sơ này. Chỉ nhận: %(types)s.") % {
                "kind": TYPES[kind]["label"],
                "types": accepted,
            }
        else:
            message = _(
                "nội dung tệp không phải là định dạng được nhận (hệ thống kiểm tra nội dung tệp, không dựa vào "
                "tên tệp). Chỉ nhận: %(types)s."
            ) % {"types": accepted}
        raise _problem(display, message)

    extension = _extension(original)
    if extension and extension not in TYPES[kind]["extensions"]:
        raise _problem(
            display,
            _(
                "nội dung là tệp %(kind)s nhưng tên tệp có đuôi “%(ext)s”. Hãy đổi tên tệp thành đuôi “%(right)s” "
                "(hoặc chọn đúng tệp) rồi tải lên lại."
            )
            % {"kind": TYPES[kind]["label"], "ext": extension, "right": TYPES[kind]["extensions"][0]},
        )

    pages = width = height = None
    if kind == "pdf":
        pages = _check_pdf(content, display)
    elif kind in ("jpeg", "png"):
        content, width, height = _normalise_image(content, display, kind)
    elif kind in ("docx", "xlsx", "zip"):
        _check_archive(content, display, kind, max_bytes=limit)
    elif kind == "xml":
        _check_xml(content, display)

    return CleanFile(
        content=content,
        kind=kind,
        content_type=TYPES[kind]["mime"],
        name=safe_name(original, kind=kind),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        width=width,
        height=height,
    )


def inspect_all(
    uploads: Sequence[Any], *, allowed: Sequence[str] = DEFAULT_TYPES, max_size_mb: int = 10
) -> list[CleanFile]:
    """Check several files; every refusal is reported at once (and none is kept when one fails)."""
    cleaned, problems = [], []
    for upload in uploads:
        try:
            cleaned.append(inspect(upload, allowed=allowed, max_size_mb=max_size_mb))
        except ValidationProblems as exc:
            problems.extend(exc.problems or [exc.message])
    if problems:
        raise ValidationProblems(
            _("Có tệp không hợp lệ; chưa tệp nào được lưu."), problems=problems, code="upload_rejected"
        )
    return cleaned
