"""Digital signatures (chữ ký số) on PDFs, with pyHanko: sign as an agency, verify anything.

Signing (TT 01/2018 art 10; ND 45/2020 art 14: electronic results are digitally signed) makes a PAdES B-B signature
with the agency's certificate, read from ``SIGNING_DIR/<agency code>.pem`` and ``.key`` (the nearest agency up the
tree that has one: a division signs with its department's seal), and draws a visible stamp in Vietnamese with a
TrueType font ("Ký bởi: … / Thời gian: …").

Verification checks every signature of a PDF against the trust roots in ``SIGNING_TRUST_ROOTS`` (default: the demo
CA in ``SIGNING_DIR/ca.pem``) and returns a ``SignatureVerdict``. It never raises on what a citizen uploads: a file
that is not a PDF, a PDF without signatures and a corrupt file all get a verdict with a clear one-line summary.

pyHanko's synchronous ``sign_pdf`` and ``validate_pdf_signature`` call ``asyncio.run``; this module calls the
async variants itself and, when an event loop is already running in the thread (ASGI, Playwright), runs them in a
worker thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import io
import logging
import os
import tempfile
import textwrap
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import PortalError
from portal.models import Agency

from . import pki

log = logging.getLogger("motcua.signing")

T = TypeVar("T")

# Liberation first: it has every Vietnamese glyph and small layout tables, so subsetting it for the stamp takes a few
# hundredths of a second, where Noto Sans's large GSUB/GPOS tables take seconds (``SIGNING_STAMP_FONT`` overrides).
STAMP_FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
STAMP_WIDTH = 230  # points
STAMP_MARGIN = 28


class SigningNotConfigured(PortalError):
    code = "signing_not_configured"


# --------------------------------------------------------------------------------------------- configuration


def signing_dir() -> Path:
    return pki.default_directory()


def trust_root_paths() -> list[Path]:
    """The files (PEM or DER; a PEM file may hold several certificates) or folders of trusted root certificates."""
    configured = getattr(settings, "SIGNING_TRUST_ROOTS", None)
    if configured:
        return [Path(p) for p in configured]
    return [signing_dir() / pki.CA_CERT]


def _cert_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in {".pem", ".crt", ".cer", ".der"}))
        elif path.is_file():
            files.append(path)
    return files


def load_trust_roots(paths: list[Path] | None = None) -> list:  # list[asn1crypto.x509.Certificate]
    from pyhanko.keys import load_certs_from_pemder

    files = _cert_files(paths if paths is not None else trust_root_paths())
    roots = []
    for path in files:
        try:
            roots.extend(load_certs_from_pemder([str(path)]))
        except (OSError, ValueError) as exc:
            log.warning("trust root %s unreadable: %s", path, exc)
    return roots


# What a Vietnamese stamp can contain: Latin, Vietnamese letters precomposed (Ă Đ Ĩ Ũ Ơ Ư, U+1EA0–U+1EF9),
# combining marks, dashes, quotes, the đồng sign.
_STAMP_CODEPOINTS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x1A0, 0x1B1),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2027),
    0x20AB,
]


def stamp_font() -> str:
    configured = getattr(settings, "SIGNING_STAMP_FONT", None)
    for candidate in ([configured] if configured else []) + list(STAMP_FONTS):
        if candidate and Path(candidate).is_file():
            return _reduced_font(candidate, Path(candidate).stat().st_mtime)
    raise SigningNotConfigured(_("Không tìm thấy phông chữ để vẽ dấu chữ ký số."))


@functools.lru_cache(maxsize=4)
def _reduced_font(source: str, mtime: float) -> str:
    """A copy of ``source`` with only the stamp's characters and no OpenType layout tables, made once per process.

    pyHanko subsets the stamp's font with fontTools on every signature, and fontTools decompiles the GSUB/GPOS
    tables to do it: over a second for a full font. Vietnamese needs none of them (its letters are precomposed
    glyphs), so without those tables each signature subsets the font in milliseconds.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    key = hashlib.sha256(f"{source}:{mtime}:{len(_STAMP_CODEPOINTS)}".encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"motcua-stamp-{key}.ttf"
    if target.is_file():
        return str(target)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_STAMP_CODEPOINTS)
    subsetter.subset(font)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    font.save(str(partial))
    os.replace(partial, target)  # atomic: another process never reads half a font
    return str(target)


@dataclass(frozen=True)
class Credentials:
    """Where an agency's signing certificate and key are (the agency may be an ancestor of the one asked)."""

    agency: Agency
    cert: Path
    key: Path
    chain: tuple[Path, ...]


def credentials_for(agency: Agency) -> Credentials:
    """The certificate of ``agency`` or the nearest agency above it that has one."""
    directory = signing_dir()
    candidates = [agency, *reversed(list(agency.ancestors().exclude(pk=agency.pk)))]
    for holder in candidates:
        cert, key = pki.agency_paths(holder.code, directory)
        if cert.is_file() and key.is_file():
            chain = tuple(p for p in [directory / f"{holder.code}.chain.pem", directory / pki.CA_CERT] if p.is_file())
            return Credentials(agency=holder, cert=cert, key=key, chain=chain[:1])
    raise SigningNotConfigured(
        _("Chưa cấu hình chứng thư số cho %(agency)s (cần tệp %(file)s trong thư mục ký số).")
        % {"agency": agency.name, "file": f"{agency.code}.pem"}
    )


# --------------------------------------------------------------------------------------------- async bridge


def _run(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    # A loop already runs in this thread (ASGI, Playwright's sync API): run ours in a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


# --------------------------------------------------------------------------------------------- signing


def _stamp_text(agency_name: str, signer_name: str) -> str:
    lines = textwrap.wrap(_("Ký bởi: %(agency)s") % {"agency": agency_name}, width=44)
    if signer_name:
        lines += textwrap.wrap(_("Người ký: %(name)s") % {"name": signer_name}, width=44)
    lines.append(_("Thời gian: %(ts)s"))
    return "\n".join(line.replace("%", "%%") if "%(ts)s" not in line else line for line in lines)


def _media_box(reader, page_index: int) -> list[float]:
    """The page's size in points (MediaBox may be inherited from the page tree); A4 if it cannot be read."""
    try:
        page_ref, _resources = reader.find_page_for_modification(page_index)
        node = page_ref.get_object()
        while node is not None:
            if "/MediaBox" in node:
                return [float(v) for v in node["/MediaBox"]]
            node = node.get("/Parent")
            node = node.get_object() if node is not None else None
    except Exception:  # only the stamp's position depends on it
        log.info("no MediaBox found for page %s", page_index)
    return [0.0, 0.0, 595.0, 842.0]


def _free_field_name(reader) -> str:
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, _value, _ref in enumerate_sig_fields(reader, filled_status=None)}
    n = 1
    while f"ChuKySo{n}" in taken:
        n += 1
    return f"ChuKySo{n}"


def sign_pdf(
    pdf: bytes,
    *,
    agency: Agency,
    reason: str = "",
    location: str = "",
    signer_name: str = "",
    page: int = -1,
) -> bytes:
    """``pdf`` signed by ``agency`` (PAdES B-B, SHA-256) with a visible stamp at the bottom right of ``page``."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    creds = credentials_for(agency)
    signer = signers.SimpleSigner.load(
        str(creds.key),
        str(creds.cert),
        ca_chain_files=tuple(str(p) for p in creds.chain),
        key_passphrase=(getattr(settings, "SIGNING_KEY_PASSPHRASE", "") or "").encode() or None,
    )
    if signer is None:
        raise SigningNotConfigured(_("Không đọc được chứng thư số hoặc khóa của %(agency)s.") % {"agency": agency.name})
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:
        raise PortalError(_("Tệp cần ký không phải là tệp PDF hợp lệ.")) from exc
    pages = int(writer.root["/Pages"]["/Count"])
    if pages < 1:
        raise PortalError(_("Tệp PDF cần ký không có trang nào."))
    page_index = page % pages
    box = _media_box(writer.prev, page_index)
    text = _stamp_text(creds.agency.name, signer_name)
    height = 16 + 10 * (text.count("\n") + 1)
    x2 = box[2] - STAMP_MARGIN
    meta = signers.PdfSignatureMetadata(
        field_name=_free_field_name(writer.prev),
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or settings.PORTAL_PROVINCE,
        name=signer_name or None,
    )
    style = TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font()), font_size=8, leading=10),
        border_width=1,
        background=None,
        # pyHanko fills %(ts)s with the moment the signature itself claims (the system clock, not the portal's:
        # the stamp must show what the CMS says), in the process's time zone, which Django sets to TIME_ZONE.
        timestamp_format="%H:%M:%S %d/%m/%Y (UTC%z)",
    )
    field_spec = fields.SigFieldSpec(
        meta.field_name,
        on_page=page_index,
        box=(int(x2 - STAMP_WIDTH), STAMP_MARGIN, int(x2), int(STAMP_MARGIN + height)),
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=field_spec)
    output = io.BytesIO()
    _run(lambda: pdf_signer.async_sign_pdf(writer, output=output))
    return output.getvalue()


# --------------------------------------------------------------------------------------------- verification


class VerdictStatus(StrEnum):
    VALID = "valid"  # intact, valid, trusted, covers the document
    UNTRUSTED = "untrusted"  # intact and valid, but the certificate does not chain to a trust root
    MODIFIED = "modified"  # intact, but the file was changed in a way the signature does not allow
    INVALID = "invalid"  # the signed bytes changed, or the signature is broken
    UNSIGNED = "unsigned"  # a readable PDF without any signature
    NOT_PDF = "not_pdf"
    CORRUPT = "corrupt"  # looks like a PDF but cannot be read

    @property
    def ok(self) -> bool:
        return self is VerdictStatus.VALID


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature, as pyHanko judged it."""

    field: str
    intact: bool
    valid: bool
    trusted: bool
    coverage: str  # entire_file, entire_revision, contiguous_block_from_start, unclear
    modification_level: str  # none, lta_updates, form_filling, annotations, other ("" when unknown)
    signer: str
    issuer: str
    signing_time: datetime | None
    bottom_line: bool
    modifications_allowed: bool = True  # what was added after this signature is allowed (e.g. a later signature)
    error: str = ""

    @property
    def status(self) -> VerdictStatus:
        if self.error or not self.intact or not self.valid:
            return VerdictStatus.INVALID
        if not self.modifications_allowed:
            return VerdictStatus.MODIFIED
        if not self.trusted:
            return VerdictStatus.UNTRUSTED
        return VerdictStatus.VALID if self.bottom_line else VerdictStatus.INVALID


@dataclass(frozen=True)
class SignatureVerdict:
    """What the portal says about a PDF's signatures. The top-level fields describe the last (outermost) signature;
    ``bottom_line`` is true only when every signature passes. ``summary`` is the one line shown to people."""

    status: VerdictStatus
    summary: str
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    coverage: str = ""
    signer: str = ""
    signing_time: datetime | None = None
    bottom_line: bool = False
    signatures: tuple[SignatureCheck, ...] = field(default_factory=tuple)
    based_on_original: bool | None = None  # the signed file extends the PDF the portal generated (level 4)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (IssuedDocument.signature_verdict)."""
        data = asdict(self)
        data["status"] = str(self.status)
        data["signing_time"] = self.signing_time.isoformat() if self.signing_time else None
        data["signatures"] = [
            {
                **asdict(s),
                "status": str(s.status),
                "signing_time": s.signing_time.isoformat() if s.signing_time else None,
            }
            for s in self.signatures
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureVerdict:
        """The verdict stored by ``to_dict`` (e.g. on an IssuedDocument), to show again without re-verifying."""

        def moment(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        known = {f.name for f in fields(SignatureCheck)}
        checks = tuple(
            SignatureCheck(
                **{**{k: v for k, v in s.items() if k in known}, "signing_time": moment(s.get("signing_time"))}
            )
            for s in data.get("signatures") or []
        )
        return cls(
            status=VerdictStatus(data["status"]),
            summary=data.get("summary", ""),
            intact=bool(data.get("intact")),
            valid=bool(data.get("valid")),
            trusted=bool(data.get("trusted")),
            coverage=data.get("coverage", ""),
            signer=data.get("signer", ""),
            signing_time=moment(data.get("signing_time")),
            bottom_line=bool(data.get("bottom_line")),
            signatures=checks,
            based_on_original=data.get("based_on_original"),
        )


def _name_of(cert) -> str:
    if cert is None:
        return ""
    native = cert.subject.native
    name = native.get("common_name") or ""
    org = native.get("organization_name") or ""
    return f"{name} ({org})" if org and org != name else name


def _issuer_of(cert) -> str:
    if cert is None:
        return ""
    return cert.issuer.native.get("common_name") or cert.issuer.human_friendly


def _enum_name(value: Any) -> str:
    return value.name.lower() if value is not None and hasattr(value, "name") else ""


def _check(embedded, context_factory: Callable[[], Any]) -> SignatureCheck:
    from pyhanko.sign.validation import async_validate_pdf_signature

    name = embedded.field_name or ""
    try:
        status = _run(lambda: async_validate_pdf_signature(embedded, context_factory()))
    except Exception as exc:  # a malformed signature in an upload is a verdict, not a crash
        log.info("signature %s could not be validated: %s", name, exc)
        cert = getattr(embedded, "signer_cert", None)
        return SignatureCheck(
            field=name,
            intact=False,
            valid=False,
            trusted=False,
            coverage="",
            modification_level="",
            signer=_name_of(cert),
            issuer=_issuer_of(cert),
            signing_time=None,
            bottom_line=False,
            modifications_allowed=False,
            error=type(exc).__name__,
        )
    return SignatureCheck(
        field=name,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        coverage=_enum_name(status.coverage),
        modification_level=_enum_name(status.modification_level),
        signer=_name_of(status.signing_cert),
        issuer=_issuer_of(status.signing_cert),
        signing_time=status.signer_reported_dt,
        bottom_line=bool(status.bottom_line),
        modifications_allowed=bool(status.docmdp_ok) or status.modification_level is None,
    )


def _summary(status: VerdictStatus, last: SignatureCheck | None, count: int) -> str:
    if status is VerdictStatus.NOT_PDF:
        return _("Tệp không phải là tệp PDF nên không thể kiểm tra chữ ký số.")
    if status is VerdictStatus.CORRUPT:
        return _("Tệp PDF bị hỏng hoặc không đọc được; không thể kiểm tra chữ ký số.")
    if status is VerdictStatus.UNSIGNED:
        return _("Tệp PDF không có chữ ký số.")
    assert last is not None
    when = timezone.localtime(last.signing_time).strftime("%H:%M %d/%m/%Y") if last.signing_time else "?"
    who = {"signer": last.signer or _("(không rõ)"), "when": when, "issuer": last.issuer or _("(không rõ)")}
    if status is VerdictStatus.VALID:
        text = _("Chữ ký số hợp lệ: ký bởi %(signer)s lúc %(when)s; tài liệu không bị thay đổi sau khi ký.") % who
        return text if count == 1 else text + " " + _("(%(n)d chữ ký)") % {"n": count}
    if status is VerdictStatus.UNTRUSTED:
        return (
            _(
                "Chữ ký số không được công nhận: chứng thư số của %(signer)s do “%(issuer)s” cấp, "
                "không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy."
            )
            % who
        )
    if status is VerdictStatus.MODIFIED:
        return _("Chữ ký số không còn giá trị: tài liệu đã bị bổ sung, sửa đổi sau khi %(signer)s ký.") % who
    return _("Chữ ký số không hợp lệ: nội dung tài liệu đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng.")


_ORDER = [
    VerdictStatus.VALID,
    VerdictStatus.UNTRUSTED,
    VerdictStatus.MODIFIED,
    VerdictStatus.INVALID,
]


def _read(data: bytes | BinaryIO | Path | str) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, (str, Path)):
        return Path(data).read_bytes()
    if hasattr(data, "seek"):
        data.seek(0)
    return data.read()


def verify_pdf(
    data: bytes | BinaryIO | Path | str,
    *,
    trust_roots: list | None = None,
    original: bytes | None = None,
) -> SignatureVerdict:
    """Check every signature of a PDF. Never raises on bad input; ``original`` (the PDF the portal generated, e.g.
    the application a citizen was asked to sign) sets ``based_on_original``."""
    try:
        raw = _read(data)
    except OSError:
        raw = b""
    if b"%PDF-" not in raw[:1024]:
        status = VerdictStatus.NOT_PDF
        return SignatureVerdict(status=status, summary=_summary(status, None, 0))
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(raw), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # whatever a damaged file makes the parser raise
        log.info("unreadable PDF: %s", exc)
        status = VerdictStatus.CORRUPT
        return SignatureVerdict(status=status, summary=_summary(status, None, 0))
    if not embedded:
        status = VerdictStatus.UNSIGNED
        return SignatureVerdict(status=status, summary=_summary(status, None, 0))

    roots = trust_roots if trust_roots is not None else load_trust_roots()

    def context():  # a fresh ValidationContext per signature: it caches what it learns
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")

    checks = tuple(_check(sig, context) for sig in embedded)
    last = checks[-1]
    status = max((c.status for c in checks), key=_ORDER.index)
    return SignatureVerdict(
        status=status,
        summary=_summary(status, last, len(checks)),
        intact=last.intact,
        valid=last.valid,
        trusted=last.trusted,
        coverage=last.coverage,
        signer=last.signer,
        signing_time=last.signing_time,
        bottom_line=all(c.bottom_line for c in checks),
        signatures=checks,
        based_on_original=(raw.startswith(original) and len(raw) > len(original)) if original else None,
    )
