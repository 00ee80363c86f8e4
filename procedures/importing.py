"""Importing procedures from a CSV or JSON file close to the national procedure database export.

The format is documented in ``docs/import_procedures.md``. An import is all or nothing: every row is read and
checked first, and if any row is wrong nothing is written and each bad row is reported by its number and reason.
A row whose content equals the procedure's latest published version changes nothing, so importing the same file
twice is harmless; a row whose content differs publishes a new version with the row's effective date.

The seed (``procedures/seed.py``) goes through the same code with records built in Python.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock
from portal.exceptions import PortalError
from portal.models import Agency, User
from procedures import search, services
from procedures.models import (
    UPLOAD_TYPES,
    AdministrativeLevel,
    Component,
    DocumentKind,
    Procedure,
    ProcedureVersion,
    RouteStep,
    Sector,
    SupplementPolicy,
    TimeUnit,
)

FORMAT = "motcua-procedures/1"
TEMPLATE_SUFFIXES = (".docx", ".doc", ".pdf", ".xlsx", ".xls", ".odt", ".ods")
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024

# CSV header → record key. Headers are matched without accents or case, so "Mã thủ tục" = "ma thu tuc".
CSV_COLUMNS: dict[str, str] = {
    "Mã thủ tục": "code",
    "Tên thủ tục": "name",
    "Mã lĩnh vực": "sector_code",
    "Tên lĩnh vực": "sector_name",
    "Cấp thực hiện": "administrative_level",
    "Mức độ": "service_level",
    "Cơ quan thực hiện": "competent_agency",
    "Nơi tiếp nhận": "receiving_agencies",
    "Thời hạn giải quyết": "processing_time",
    "Đơn vị thời hạn": "processing_time_unit",
    "Khi bổ sung hồ sơ": "supplement_policy",
    "Phí, lệ phí": "fees",
    "Cách tính phí": "fee_rule",
    "Đối tượng miễn giảm": "fee_exemptions",
    "Trình tự thực hiện": "procedure_steps",
    "Cách thức thực hiện": "submission_methods",
    "Cách thức nhận kết quả": "result_methods",
    "Thành phần hồ sơ": "components",
    "Đối tượng thực hiện": "applicant_types",
    "Kết quả thực hiện": "result_type",
    "Căn cứ pháp lý": "legal_basis",
    "Yêu cầu, điều kiện": "requirements",
    "Từ khóa": "keywords",
    "Quyết định công bố": "publication_decision",
    "Ngày hiệu lực": "effective_from",
    "Mức xác thực": "required_assurance_level",
    "Ký số": "requires_signature",
    "Thanh toán trực tuyến": "requires_payment",
    "Quy trình nội bộ": "route_steps",
    "Biểu mẫu điện tử": "eform_schema",
    "Nội dung thay đổi": "change_note",
}
RECORD_KEYS = frozenset(CSV_COLUMNS.values()) | {"sector"}
_HEADERS = {search.normalise(header): key for header, key in CSV_COLUMNS.items()} | {
    search.normalise(key.replace("_", " ")): key for key in CSV_COLUMNS.values()
}
TEXT_FIELDS = (
    "fee_rule",
    "fee_exemptions",
    "procedure_steps",
    "submission_methods",
    "result_methods",
    "applicant_types",
    "result_type",
    "legal_basis",
    "requirements",
    "keywords",
    "publication_decision",
)


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str
    message: str

    def __str__(self) -> str:
        where = _("Dòng %(row)s") % {"row": self.row}
        if self.code:
            where += f" ({self.code})"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return _("%(created)s thủ tục mới, %(updated)s thủ tục có phiên bản mới, %(unchanged)s thủ tục không đổi.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


class ImportFailed(PortalError):
    """The file has bad rows; nothing was imported."""

    code = "import_failed"

    def __init__(self, report: ImportReport) -> None:
        problems = [str(p) for p in report.problems]
        super().__init__(
            _("Không nhập được: %(n)s dòng có lỗi, chưa có thủ tục nào được ghi.") % {"n": len(report.problems)},
            problems=problems,
        )
        self.report = report


class RowError(Exception):
    """One reason a row cannot be imported (collected, never raised out of this module)."""


# --- reading files -----------------------------------------------------------------------------------------------


@dataclass
class Source:
    rows: list[tuple[int, dict[str, Any]]]
    sectors: list[dict[str, Any]] = field(default_factory=list)
    document_kinds: list[dict[str, Any]] = field(default_factory=list)


def read_file(path: Path) -> Source:
    """A CSV (UTF-8, comma or semicolon separated, header row) or JSON file; raises PortalError when unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PortalError(_("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PortalError(_("Tệp phải được lưu với bảng mã UTF-8.")) from exc
    if path.suffix.lower() == ".json" or content.lstrip().startswith(("{", "[")):
        return parse_json(content)
    return parse_csv(content)


def parse_csv(content: str) -> Source:
    sample = content[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise PortalError(_("Tệp trống.")) from None
    keys = []
    unknown = []
    for column in header:
        key = _HEADERS.get(search.normalise(column))
        if key is None and column.strip():
            unknown.append(column)
        keys.append(key)
    if unknown:
        raise PortalError(
            _("Dòng 1: không hiểu các cột %(columns)s. Các cột dùng được: %(known)s.")
            % {"columns": ", ".join(f"“{c}”" for c in unknown), "known": ", ".join(CSV_COLUMNS)}
        )
    if "code" not in keys:
        raise PortalError(_("Dòng 1: thiếu cột “Mã thủ tục”."))
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        record = {key: cell.strip() for key, cell in zip(keys, cells, strict=False) if key and cell.strip()}
        if len(cells) > len(keys):
            record["__extra_cells__"] = len(cells) - len(keys)
        rows.append((number, record))
    return Source(rows=rows)


def parse_json(content: str) -> Source:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise PortalError(
            _("Tệp JSON không hợp lệ ở dòng %(line)s, cột %(col)s: %(msg)s")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from exc
    if isinstance(data, list):
        data = {"procedures": data}
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise PortalError(_('Tệp JSON cần có danh sách "procedures".'))
    if data.get("format", FORMAT) != FORMAT:
        raise PortalError(
            _("Tệp JSON có định dạng %(f)s; cần %(expected)s.") % {"f": data["format"], "expected": FORMAT}
        )
    rows = [
        (index, item if isinstance(item, dict) else {"__not_object__": True})
        for index, item in enumerate(data["procedures"], start=1)
    ]
    return Source(rows=rows, sectors=data.get("sectors") or [], document_kinds=data.get("document_kinds") or [])


# --- parsing one value -------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value).strip()


def _lines(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    return [line.strip().lstrip("-•*").strip() for line in str(value).splitlines() if line.strip()]


_LEVELS = {
    "province": AdministrativeLevel.PROVINCE,
    "cap tinh": AdministrativeLevel.PROVINCE,
    "tinh": AdministrativeLevel.PROVINCE,
    "district": AdministrativeLevel.DISTRICT,
    "cap huyen": AdministrativeLevel.DISTRICT,
    "huyen": AdministrativeLevel.DISTRICT,
    "commune": AdministrativeLevel.COMMUNE,
    "cap xa": AdministrativeLevel.COMMUNE,
    "xa": AdministrativeLevel.COMMUNE,
}


def parse_level(value: Any) -> str:
    level = _LEVELS.get(search.normalise(_text(value)))
    if level is None:
        raise RowError(_("Cấp thực hiện “%(v)s” không hợp lệ (Cấp tỉnh, Cấp huyện hoặc Cấp xã).") % {"v": value})
    return level


def parse_service_level(value: Any) -> int:
    text = search.normalise(_text(value))
    if text in ("toan trinh", "dvc toan trinh"):
        return 4
    if text in ("mot phan", "dvc mot phan"):
        return 3
    digits = re.sub(r"^muc( do)?\s*", "", text)
    if digits in ("1", "2", "3", "4"):
        return int(digits)
    raise RowError(_("Mức độ “%(v)s” không hợp lệ (1, 2, 3, 4, “toàn trình” hoặc “một phần”).") % {"v": value})


_UNITS = {
    "ngay lam viec": TimeUnit.WORKING_DAYS,
    "working days": TimeUnit.WORKING_DAYS,
    "working_days": TimeUnit.WORKING_DAYS,
    "gio lam viec": TimeUnit.WORKING_HOURS,
    "working hours": TimeUnit.WORKING_HOURS,
    "working_hours": TimeUnit.WORKING_HOURS,
    "ngay": TimeUnit.CALENDAR_DAYS,
    "calendar days": TimeUnit.CALENDAR_DAYS,
    "calendar_days": TimeUnit.CALENDAR_DAYS,
}


def parse_time(value: Any, unit: Any = None) -> tuple[Decimal, str]:
    """``10`` + ``ngày làm việc``, ``"10 ngày làm việc kể từ …"``, or ``{"value": 10, "unit": "working_days"}``."""
    if isinstance(value, dict):
        value, unit = value.get("value"), value.get("unit", unit)
    text = _text(value)
    match = re.match(r"^\s*(\d+(?:[.,]\d)?)\s*(.*)$", text)
    if not match:
        raise RowError(_("Thời hạn giải quyết “%(v)s” phải bắt đầu bằng một số.") % {"v": text})
    number = Decimal(match.group(1).replace(",", "."))
    unit_text = search.normalise(_text(unit) or match.group(2))
    found = None
    for name in sorted(_UNITS, key=len, reverse=True):
        if unit_text == name or unit_text.startswith(name + " "):
            found = _UNITS[name]
            break
    if found is None:
        if not unit_text:
            found = TimeUnit.WORKING_DAYS
        else:
            raise RowError(
                _("Đơn vị thời hạn “%(v)s” không hợp lệ (ngày làm việc, giờ làm việc hoặc ngày).")
                % {"v": _text(unit) or match.group(2)}
            )
    if number <= 0:
        raise RowError(_("Thời hạn giải quyết phải lớn hơn 0."))
    return number, found


def parse_bool(value: Any, *, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    text = search.normalise(_text(value))
    if not text:
        return default
    if text in ("co", "x", "1", "true", "yes"):
        return True
    if text in ("khong", "0", "false", "no"):
        return False
    raise RowError(_("Giá trị “%(v)s” phải là Có hoặc Không.") % {"v": value})


def parse_supplement_policy(value: Any) -> str:
    text = search.normalise(_text(value))
    if not text or text.startswith(("tinh lai", "restart")):
        return SupplementPolicy.RESTART
    if text.startswith(("tiep tuc", "resume")):
        return SupplementPolicy.RESUME
    raise RowError(_("“Khi bổ sung hồ sơ” phải là “Tính lại” hoặc “Tiếp tục”."))


def parse_date(value: Any) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return services.as_moment(day)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(_("Ngày hiệu lực “%(v)s” không đọc được (dạng 01/07/2025).") % {"v": text}) from None
    return services.as_moment(moment)


def _amount(text: str) -> int:
    """``50.000 đồng``, ``100,000 VND``, ``2.000 đồng/trang``, ``Miễn`` → whole đồng."""
    if search.normalise(text).startswith(("mien", "khong")):
        return 0
    head = re.split(r"đ|dong|vnd", text, maxsplit=1, flags=re.IGNORECASE)[0]
    digits = re.sub(r"\D", "", head)
    if not digits:
        raise RowError(_("Không đọc được số tiền “%(v)s”.") % {"v": text})
    return int(digits)


def parse_fees(value: Any) -> list[dict[str, Any]]:
    """JSON list, or lines ``Lệ phí: 50.000 đồng (ghi chú)``; ``Không`` or empty means no fee."""
    if isinstance(value, list):
        out = []
        for fee in value:
            if not isinstance(fee, dict):
                raise RowError(_('Mỗi khoản phí phải là {"label": …, "amount": …}.'))
            out.append({k: fee[k] for k in ("label", "amount", "note") if k in fee})
        return out
    text = _text(value)
    if search.normalise(text) in ("", "khong", "khong co", "mien phi", "khong thu phi"):
        return []
    fees = []
    for line in _lines(text):
        label, sep, rest = line.partition(":")
        if not sep:
            raise RowError(_("Dòng phí “%(v)s” cần dạng “Tên khoản: số tiền”.") % {"v": line})
        note = ""
        match = re.search(r"\(([^)]*)\)\s*$", rest)
        if match:
            note = match.group(1).strip()
            rest = rest[: match.start()]
        fee = {"label": label.strip(), "amount": _amount(rest.strip())}
        if note:
            fee["note"] = note
        fees.append(fee)
    return fees


_COMPONENT_ATTRS = {
    "ban chinh": "originals",
    "ban sao": "copies",
    "mau": "template",
    "ten mau": "template_label",
    "ghi chu": "note",
    "giay to trong kho": "document_kinds",
    "dinh dang": "allowed_types",
    "so tep": "max_files",
    "dung luong": "max_size_mb",
}


def parse_components(value: Any) -> list[dict[str, Any]]:
    """JSON list, or lines ``Tên giấy tờ; bản chính: 1; bản sao: 0; không bắt buộc; mẫu: mau/to-khai.docx``."""
    out = []
    for item in _lines(value):
        if isinstance(item, dict):
            data = dict(item)
        elif isinstance(item, str):
            parts = [p.strip() for p in item.split(";")]
            data = {"name": parts[0]}
            for part in parts[1:]:
                if not part:
                    continue
                key, sep, val = part.partition(":")
                norm = search.normalise(key)
                if not sep:
                    if norm in ("khong bat buoc", "tuy chon", "neu co"):
                        data["required"] = False
                    elif norm == "bat buoc":
                        data["required"] = True
                    else:
                        raise RowError(_("Thành phần “%(c)s”: không hiểu “%(p)s”.") % {"c": parts[0], "p": part})
                    continue
                attr = _COMPONENT_ATTRS.get(norm)
                if attr is None:
                    raise RowError(_("Thành phần “%(c)s”: không hiểu “%(p)s”.") % {"c": parts[0], "p": key})
                val = val.strip()
                data[attr] = (
                    [v.strip() for v in val.split(",") if v.strip()]
                    if attr
                    in (
                        "document_kinds",
                        "allowed_types",
                    )
                    else val
                )
        else:
            raise RowError(_("Mỗi thành phần hồ sơ phải là một dòng chữ hoặc một đối tượng JSON."))
        unknown = sorted(set(data) - {"name", "required", *_COMPONENT_ATTRS.values()})
        if unknown:
            raise RowError(_("Thành phần hồ sơ có mục không dùng được: %(k)s.") % {"k": ", ".join(unknown)})
        name = _text(data.get("name"))
        if not name:
            raise RowError(_("Có thành phần hồ sơ không có tên."))
        component = {
            "name": name,
            "required": parse_bool(data.get("required"), default=True),
            "originals": _small_int(data.get("originals", 0), name),
            "copies": _small_int(data.get("copies", 1 if "originals" not in data else 0), name),
            "note": _text(data.get("note")),
            "template": _text(data.get("template")),
            "template_label": _text(data.get("template_label")),
            "document_kinds": [str(k) for k in data.get("document_kinds") or []],
            "allowed_types": [str(t).lower() for t in data.get("allowed_types") or ["pdf", "jpeg", "png"]],
            "max_files": _small_int(data.get("max_files", 5), name),
            "max_size_mb": _small_int(data.get("max_size_mb", 10), name),
        }
        bad_types = [t for t in component["allowed_types"] if t not in UPLOAD_TYPES]
        if bad_types:
            raise RowError(
                _("Thành phần “%(c)s”: định dạng %(t)s không hỗ trợ.") % {"c": name, "t": ", ".join(bad_types)}
            )
        out.append(component)
    return out


def _small_int(value: Any, where: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RowError(_("Thành phần “%(c)s”: “%(v)s” phải là số nguyên.") % {"c": where, "v": value}) from None
    if not 0 <= number <= 1000:
        raise RowError(_("Thành phần “%(c)s”: “%(v)s” nằm ngoài khoảng 0–1000.") % {"c": where, "v": value})
    return number


_ROLES = {
    "bo phan mot cua": RouteStep.Role.RECEIVER,
    "mot cua": RouteStep.Role.RECEIVER,
    "receiver": RouteStep.Role.RECEIVER,
    "chuyen vien": RouteStep.Role.SPECIALIST,
    "specialist": RouteStep.Role.SPECIALIST,
    "lanh dao": RouteStep.Role.LEADER,
    "leader": RouteStep.Role.LEADER,
}


def parse_route(value: Any) -> list[dict[str, Any]]:
    """JSON list, or lines ``Tên bước; vai trò; mã đơn vị (có thể trống); tỷ lệ %``."""
    out = []
    for item in _lines(value):
        if isinstance(item, dict):
            data = item
        elif isinstance(item, str):
            parts = [p.strip() for p in item.split(";")]
            if len(parts) != 4:
                raise RowError(_("Bước “%(s)s” cần 4 phần: tên; vai trò; mã đơn vị; tỷ lệ %%.") % {"s": item})
            data = {"name": parts[0], "role": parts[1], "department": parts[2], "share_percent": parts[3]}
        else:
            raise RowError(_("Mỗi bước xử lý phải là một dòng chữ hoặc một đối tượng JSON."))
        role = _ROLES.get(search.normalise(_text(data.get("role"))))
        if role is None:
            raise RowError(
                _("Bước “%(s)s”: vai trò “%(r)s” không hợp lệ (Bộ phận một cửa, Chuyên viên, Lãnh đạo).")
                % {"s": data.get("name"), "r": data.get("role")}
            )
        try:
            share = Decimal(_text(data.get("share_percent")).rstrip("%").replace(",", "."))
        except InvalidOperation:
            raise RowError(_("Bước “%(s)s”: tỷ lệ phải là số phần trăm.") % {"s": data.get("name")}) from None
        out.append(
            {
                "name": _text(data.get("name")),
                "role": role,
                "department": _text(data.get("department")),
                "share_percent": share,
            }
        )
    return out


def parse_schema(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return value
    try:
        schema = json.loads(str(value))
    except json.JSONDecodeError as exc:
        raise RowError(_("Biểu mẫu điện tử không phải JSON hợp lệ: %(msg)s.") % {"msg": exc.msg}) from None
    if not isinstance(schema, dict):
        raise RowError(_("Biểu mẫu điện tử phải là một đối tượng JSON."))
    return schema


# --- checking and writing ----------------------------------------------------------------------------------------

FileResolver = Callable[[str], bytes | None]


@dataclass
class Planned:
    row: int
    code: str
    version: ProcedureVersion
    receiving: list[Agency]
    # component, its document kinds, template file name, template bytes, document kind codes
    components: list[tuple[Component, list[DocumentKind], str, bytes | None, list[str]]]
    steps: list[RouteStep]
    sector_spec: dict[str, str] | None
    fingerprint: str
    procedure: Procedure | None


class _Lookups:
    def __init__(self, codes: list[str], source: Source) -> None:
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.sectors_by_name = {search.normalise(s.name): s for s in self.sectors.values()}
        self.kinds = {k.code: k for k in DocumentKind.objects.all()}
        self.new_kinds = {str(k.get("code")): k for k in source.document_kinds if isinstance(k, dict)}
        self.new_sectors = {str(s.get("code")): s for s in source.sectors if isinstance(s, dict)}
        self.procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        self.latest: dict[int, ProcedureVersion] = {}
        for version in ProcedureVersion.objects.filter(
            procedure__in=self.procedures.values(), status__in=services.IN_FORCE_STATUSES
        ).order_by("procedure_id", "effective_from", "number"):
            self.latest[version.procedure_id] = version  # the last one wins: newest effective date
        self.drafts = set(
            ProcedureVersion.objects.filter(
                procedure__in=self.procedures.values(), status=ProcedureVersion.Status.DRAFT
            ).values_list("procedure_id", flat=True)
        )
        self.numbers = {
            row["procedure_id"]: row["number__max"]
            for row in ProcedureVersion.objects.filter(procedure__in=self.procedures.values())
            .values("procedure_id")
            .annotate(number__max=Max("number"))
        }


def import_source(
    source: Source,
    *,
    by: User | None = None,
    files: FileResolver | None = None,
    effective_from: date | datetime | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row, then write them all in one transaction (or nothing). Raises :class:`ImportFailed`."""
    report = ImportReport()
    codes = [_text(record.get("code")) for _row, record in source.rows]
    lookups = _Lookups([c for c in codes if c], source)
    default_moment = services.as_moment(effective_from) if effective_from else clock.now()
    seen: dict[str, int] = {}
    planned: list[Planned] = []
    for row, record in source.rows:
        code = _text(record.get("code"))
        try:
            if record.get("__not_object__"):
                raise RowError(_("Mỗi thủ tục phải là một đối tượng JSON."))
            if record.get("__extra_cells__"):
                raise RowError(_("Dòng có nhiều ô hơn số cột tiêu đề; kiểm tra dấu phân cách và dấu ngoặc kép."))
            if not code:
                raise RowError(_("Thiếu mã thủ tục."))
            if code in seen:
                raise RowError(_("Mã thủ tục đã xuất hiện ở dòng %(row)s.") % {"row": seen[code]})
            seen[code] = row
            plan = _plan(row, code, record, lookups, files=files, default_moment=default_moment)
        except RowError as exc:
            report.problems.append(RowProblem(row, code, str(exc)))
            continue
        if plan is None:
            report.unchanged.append(code)
        else:
            planned.append(plan)
    if report.problems:
        raise ImportFailed(report)
    for plan in planned:
        (report.updated if plan.procedure else report.created).append(plan.code)
    if dry_run or (not planned and not source.sectors and not source.document_kinds):
        return report
    with transaction.atomic():
        _write(planned, lookups, source, by=by)
    return report


def _plan(
    row: int,
    code: str,
    record: dict[str, Any],
    lookups: _Lookups,
    *,
    files: FileResolver | None,
    default_moment: datetime,
) -> Planned | None:
    unknown = sorted(set(record) - RECORD_KEYS)
    if unknown:
        raise RowError(_("Không hiểu các mục: %(keys)s.") % {"keys": ", ".join(unknown)})
    problems: list[str] = []

    def attempt(parser: Callable[[], Any], default: Any = None) -> Any:
        try:
            return parser()
        except RowError as exc:
            problems.append(str(exc))
            return default

    name = _text(record.get("name"))
    if not name:
        problems.append(_("Thiếu tên thủ tục."))
    sector, sector_spec = attempt(lambda: _sector(record, lookups), (None, None)) or (None, None)
    level = attempt(lambda: parse_level(record.get("administrative_level")))
    service_level = attempt(lambda: parse_service_level(record.get("service_level")))
    agency = attempt(lambda: _agency(record.get("competent_agency"), lookups, what=_("Cơ quan thực hiện")))
    receiving = attempt(lambda: _agencies(record.get("receiving_agencies"), lookups), []) or []
    if not receiving and agency is not None:
        receiving = [agency]
    time_value, time_unit = attempt(
        lambda: parse_time(record.get("processing_time"), record.get("processing_time_unit")), (None, None)
    ) or (None, None)
    fees = attempt(lambda: parse_fees(record.get("fees")), [])
    components = attempt(lambda: parse_components(record.get("components")), []) or []
    steps = attempt(lambda: parse_route(record.get("route_steps")), []) or []
    schema = attempt(lambda: parse_schema(record.get("eform_schema")), {})
    moment = attempt(lambda: parse_date(record.get("effective_from")))
    assurance = attempt(lambda: _assurance(record.get("required_assurance_level")), 1)
    signature = attempt(lambda: parse_bool(record.get("requires_signature")), False)
    payment = attempt(lambda: parse_bool(record.get("requires_payment")), False)
    policy = attempt(lambda: parse_supplement_policy(record.get("supplement_policy")), SupplementPolicy.RESTART)
    if problems:
        raise RowError("; ".join(problems))

    version = ProcedureVersion(
        name=name,
        sector=sector,
        administrative_level=level,
        service_level=service_level,
        competent_agency=agency,
        processing_time_value=time_value,
        processing_time_unit=time_unit,
        supplement_policy=policy,
        fees=fees,
        eform_schema=schema,
        required_assurance_level=assurance,
        requires_signature=signature,
        requires_payment=payment,
        change_note=_text(record.get("change_note"))[:500],
        **{key: _text(record.get(key)) for key in TEXT_FIELDS},
    )
    try:
        version.full_clean(exclude=["procedure", "number", "sector", "competent_agency", "created_by", "published_by"])
    except ValidationError as exc:
        problems.extend(_flat_messages(exc))
    planned_components = []
    for spec in components:
        kinds = []
        for kind_code in spec["document_kinds"]:
            kind = lookups.kinds.get(kind_code)
            if kind is None and kind_code in lookups.new_kinds:
                kind = DocumentKind(code=kind_code, name=_text(lookups.new_kinds[kind_code].get("name")) or kind_code)
            if kind is None:
                problems.append(_("Loại giấy tờ “%(k)s” không có trong danh mục.") % {"k": kind_code})
            else:
                kinds.append(kind)
        content = None
        filename = ""
        if spec["template"]:
            filename = PurePosixPath(spec["template"]).name
            if PurePosixPath(filename).suffix.lower() not in TEMPLATE_SUFFIXES:
                problems.append(
                    _("Tệp mẫu “%(f)s” phải là %(types)s.")
                    % {"f": spec["template"], "types": ", ".join(TEMPLATE_SUFFIXES)}
                )
            else:
                content = files(spec["template"]) if files else None
                if content is None:
                    problems.append(_("Không tìm thấy tệp mẫu “%(f)s”.") % {"f": spec["template"]})
                elif len(content) > MAX_TEMPLATE_BYTES:
                    problems.append(_("Tệp mẫu “%(f)s” lớn hơn 10 MB.") % {"f": spec["template"]})
        component = Component(
            **{k: spec[k] for k in ("name", "required", "originals", "copies", "note", "template_label")},
            allowed_types=spec["allowed_types"],
            max_files=spec["max_files"],
            max_size_mb=spec["max_size_mb"],
        )
        try:
            component.full_clean(exclude=["version", "template_file"])
        except ValidationError as exc:
            problems.extend(_flat_messages(exc))
        planned_components.append((component, kinds, filename, content, spec["document_kinds"]))
    planned_steps = []
    for spec in steps:
        department = None
        if spec["department"]:
            department = lookups.agencies.get(spec["department"])
            if department is None:
                problems.append(
                    _("Đơn vị “%(c)s” của bước xử lý không có trong danh mục cơ quan.") % {"c": spec["department"]}
                )
        step = RouteStep(
            order=len(planned_steps) + 1,
            name=spec["name"],
            role=spec["role"],
            department=department,
            share_percent=spec["share_percent"],
        )
        try:
            step.full_clean(exclude=["version", "department"])
        except ValidationError as exc:
            problems.extend(_flat_messages(exc))
        planned_steps.append(step)
    if not problems:
        problems.extend(
            services.content_problems(
                version,
                receiving_count=len(receiving),
                components=[c[0] for c in planned_components],
                route_steps=planned_steps,
                schema_checked=True,
            )
        )
    if problems:
        raise RowError("; ".join(dict.fromkeys(problems)))

    fingerprint = _fingerprint(version, sector_spec, receiving, planned_components, planned_steps)
    procedure = lookups.procedures.get(code)
    moment = moment or default_moment
    if procedure is not None:
        latest = lookups.latest.get(procedure.pk)
        if latest is not None and latest.import_fingerprint == fingerprint:
            return None
        if procedure.pk in lookups.drafts:
            raise RowError(_("Thủ tục đang có bản nháp chưa công bố; hãy công bố hoặc xoá bản nháp trước khi nhập."))
        if latest is not None and moment <= latest.effective_from:
            raise RowError(
                _(
                    "Nội dung khác phiên bản %(n)s đang có nhưng ngày hiệu lực %(date)s không sau ngày hiệu lực của "
                    "phiên bản đó (%(prev)s); ghi ngày hiệu lực mới."
                )
                % {
                    "n": latest.number,
                    "date": timezone.localtime(moment).strftime("%d/%m/%Y"),
                    "prev": timezone.localtime(latest.effective_from).strftime("%d/%m/%Y"),
                }
            )
    version.effective_from = moment
    version.import_fingerprint = fingerprint
    return Planned(
        row=row,
        code=code,
        version=version,
        receiving=receiving,
        components=planned_components,
        steps=planned_steps,
        sector_spec=sector_spec,
        fingerprint=fingerprint,
        procedure=procedure,
    )


def _flat_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


def _sector(record: dict[str, Any], lookups: _Lookups) -> tuple[Sector | None, dict[str, str] | None]:
    given = record.get("sector")
    if isinstance(given, dict):
        code, name = _text(given.get("code")), _text(given.get("name"))
    else:
        code, name = _text(record.get("sector_code") or given), _text(record.get("sector_name"))
    if code in lookups.sectors:
        return lookups.sectors[code], None
    if code:
        name = name or _text(lookups.new_sectors.get(code, {}).get("name"))
        if not name:
            raise RowError(
                _("Lĩnh vực “%(c)s” chưa có trong danh mục; ghi thêm tên lĩnh vực để tạo mới.") % {"c": code}
            )
        return None, {"code": code, "name": name}
    if name and search.normalise(name) in lookups.sectors_by_name:
        return lookups.sectors_by_name[search.normalise(name)], None
    raise RowError(_("Thiếu mã lĩnh vực."))


def _agency(value: Any, lookups: _Lookups, *, what: str) -> Agency:
    code = _text(value)
    if not code:
        raise RowError(_("Thiếu %(what)s (mã định danh cơ quan).") % {"what": what})
    agency = lookups.agencies.get(code)
    if agency is None:
        raise RowError(_("%(what)s “%(code)s” không có trong danh mục cơ quan.") % {"what": what, "code": code})
    return agency


def _agencies(value: Any, lookups: _Lookups) -> list[Agency]:
    codes = value if isinstance(value, list) else re.split(r"[;\n]", _text(value))
    return [_agency(code, lookups, what=_("Nơi tiếp nhận")) for code in codes if _text(code)]


def _assurance(value: Any) -> int:
    text = _text(value)
    if not text:
        return 1
    digits = re.sub(r"\D", "", text)
    if digits not in ("1", "2"):
        raise RowError(_("Mức xác thực phải là 1 hoặc 2."))
    return int(digits)


def _fingerprint(
    version: ProcedureVersion,
    sector_spec: dict[str, str] | None,
    receiving: list[Agency],
    components: list[tuple],
    steps: list[RouteStep],
) -> str:
    """A hash of the content (not of the effective date): equal content, equal fingerprint."""
    content = {
        name: getattr(version, name) for name in services.CONTENT_FIELDS if name not in ("sector", "competent_agency")
    }
    content["processing_time_value"] = str(Decimal(version.processing_time_value).normalize())
    content["sector"] = version.sector.code if version.sector_id else (sector_spec or {}).get("code")
    content["competent_agency"] = version.competent_agency.code
    content["receiving"] = sorted(a.code for a in receiving)
    content["components"] = [
        {
            **{k: getattr(c, k) for k in ("name", "required", "originals", "copies", "note", "template_label")},
            "allowed_types": c.allowed_types,
            "max_files": c.max_files,
            "max_size_mb": c.max_size_mb,
            "kinds": sorted(codes),
            "template": hashlib.sha256(data).hexdigest() if data else "",
        }
        for c, _kinds, _name, data, codes in components
    ]
    content["steps"] = [
        [s.name, s.role, s.department.code if s.department else "", str(s.share_percent.normalize())] for s in steps
    ]
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _write(planned: list[Planned], lookups: _Lookups, source: Source, *, by: User | None) -> None:
    for spec in source.sectors:
        if isinstance(spec, dict) and spec.get("code"):
            sector, _created = Sector.objects.get_or_create(
                code=str(spec["code"]), defaults={"name": _text(spec.get("name")) or str(spec["code"])}
            )
            lookups.sectors[sector.code] = sector
    for spec in source.document_kinds:
        if isinstance(spec, dict) and spec.get("code"):
            kind, _created = DocumentKind.objects.get_or_create(
                code=str(spec["code"]), defaults={"name": _text(spec.get("name")) or str(spec["code"])}
            )
            lookups.kinds[kind.code] = kind
    if not planned:
        return
    for plan in planned:
        if plan.sector_spec is not None:
            sector = lookups.sectors.get(plan.sector_spec["code"])
            if sector is None:
                sector = Sector.objects.create(code=plan.sector_spec["code"], name=plan.sector_spec["name"])
                lookups.sectors[sector.code] = sector
            plan.version.sector = sector
    new = []
    for plan in planned:
        if plan.procedure is None:
            procedure = Procedure(code=plan.code)
            if plan.version.effective_from <= clock.now():
                # Fill the catalogue copy now: refresh_procedures then only has current_version left to set.
                services.apply_current(procedure, plan.version, next_at=None)
                procedure.current_version = None
            new.append(procedure)
    Procedure.objects.bulk_create(new, batch_size=500)
    by_code = {p.code: p for p in new} | lookups.procedures
    now = clock.now()
    versions = []
    for plan in planned:
        procedure = by_code[plan.code]
        plan.version.procedure = procedure
        plan.version.number = lookups.numbers.get(procedure.pk, 0) + 1
        plan.version.status = ProcedureVersion.Status.PUBLISHED
        plan.version.published_at = now
        plan.version.published_by = by
        plan.version.created_by = by
        versions.append(plan.version)
    ProcedureVersion.objects.bulk_create(versions, batch_size=500)
    through = ProcedureVersion.receiving_agencies.through
    through.objects.bulk_create(
        [through(procedureversion=plan.version, agency=agency) for plan in planned for agency in plan.receiving],
        batch_size=1000,
    )
    for kind_code, spec in lookups.new_kinds.items():
        if kind_code not in lookups.kinds:
            lookups.kinds[kind_code] = DocumentKind.objects.create(
                code=kind_code, name=_text(spec.get("name")) or kind_code
            )
    components = []
    component_kinds = []
    for plan in planned:
        for index, (component, _kinds, filename, content, kind_codes) in enumerate(plan.components):
            component.version = plan.version
            component.sort_order = index
            if content is not None:
                component.template_file.name = default_storage.save(
                    f"procedure-templates/{plan.code}/{filename}", ContentFile(content)
                )
            components.append(component)
            component_kinds.append((component, [lookups.kinds[code] for code in kind_codes]))
    Component.objects.bulk_create(components, batch_size=500)
    kinds_through = Component.document_kinds.through
    kinds_through.objects.bulk_create(
        [kinds_through(component=c, documentkind=k) for c, kinds in component_kinds for k in kinds], batch_size=1000
    )
    steps = []
    for plan in planned:
        for step in plan.steps:
            step.version = plan.version
            steps.append(step)
    RouteStep.objects.bulk_create(steps, batch_size=1000)
    services.refresh_procedures(procedure_ids=[by_code[plan.code].pk for plan in planned], at=now)


def import_file(
    path: Path,
    *,
    by: User | None = None,
    effective_from: date | datetime | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a file; form templates named in it are read relative to the file's folder."""
    source = read_file(path)
    folder = path.resolve().parent

    def files(name: str) -> bytes | None:
        target = (folder / name).resolve()
        if folder not in target.parents or not target.is_file():
            return None  # never read outside the import folder
        return target.read_bytes()

    return import_source(source, by=by, files=files, effective_from=effective_from, dry_run=dry_run)
