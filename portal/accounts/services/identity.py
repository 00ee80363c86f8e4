"""Identity assurance (mức độ bảo đảm xác thực): an officer raises an account to level 2 after checking the ID card.

Bình Định QĐ 27/2020: when a procedure needs a higher assurance level than logging in gives, the person follows what
the system asks. Here: they come to a one-stop desk with their CCCD card (or, for a business, its registration
certificate); an officer who holds ``identity.verify`` at that agency finds the account, compares the card with it,
and raises the level. The officer, agency and document are kept in the audit log (the number only masked).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal import audit, clock
from portal.accounts.validators import citizen_id_problems, normalize_phone
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from portal.models import Agency, AuditEntry, User
from portal.notifications import notify
from portal.permissions import may

MAX_RESULTS = 10


def find_accounts(*, query: str) -> QuerySet[User]:
    """Citizen and business accounts matching a CCCD, tax code, phone number or e-mail address exactly.

    Exact matches only: the desk looks up the person standing in front of it, it does not browse the population.
    """
    query = (query or "").strip()
    if not query:
        return User.objects.none()
    condition = Q(citizen_id=query) | Q(tax_code=query)
    if "@" in query:
        condition = Q(email__iexact=query)
    else:
        with contextlib.suppress(ValueError):  # not a phone number: the other identifiers still apply
            condition |= Q(phone=normalize_phone(query))
    return User.objects.filter(condition, kind__in=[User.Kind.CITIZEN, User.Kind.BUSINESS], is_active=True).order_by(
        "full_name"
    )[:MAX_RESULTS]


def mask(number: str) -> str:
    return "•" * max(len(number) - 4, 0) + number[-4:]


@dataclass(frozen=True)
class IdentityCheck:
    """What the officer read on the document in front of them."""

    document_number: str  # CCCD number (citizen) or tax code (business)
    date_of_birth: date | None = None
    gender: str = ""
    note: str = ""


def raise_assurance(*, officer: User, account: User, agency: Agency, check: IdentityCheck, request=None) -> User:
    """Raise ``account`` to level 2. The document must match the account; missing details are filled from it."""
    if not may(officer, "identity.verify", agency):
        raise NotAllowed(_("Bạn không có quyền xác thực danh tính tại cơ quan này."))
    number = check.document_number.strip()
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
            raise InvalidTransition(_("Chỉ tài khoản công dân, tổ chức mới cần xác thực danh tính."))
        if account.assurance_level >= User.Assurance.VERIFIED:
            raise InvalidTransition(_("Tài khoản này đã được xác thực mức 2."))
        if account.pk == officer.pk:
            raise NotAllowed(_("Cán bộ không tự xác thực tài khoản của chính mình."))
        changed: list[str] = []
        if account.kind == User.Kind.BUSINESS:
            if not account.tax_code or number != account.tax_code:
                raise ValidationProblems(_("Mã số thuế trên giấy chứng nhận không khớp với tài khoản."))
            document = "tax_code"
        else:
            dob = check.date_of_birth or account.date_of_birth
            gender = check.gender or account.gender
            problems = citizen_id_problems(number, date_of_birth=dob, gender=gender)
            if account.citizen_id and number != account.citizen_id:
                problems.append(_("Số CCCD trên thẻ không khớp với số đã đăng ký của tài khoản."))
            if account.date_of_birth and check.date_of_birth and check.date_of_birth != account.date_of_birth:
                problems.append(_("Ngày sinh trên thẻ không khớp với ngày sinh đã khai."))
            if not account.citizen_id and User.objects.filter(citizen_id=number).exclude(pk=account.pk).exists():
                problems.append(_("Số CCCD này đã thuộc một tài khoản khác."))
            if problems:
                raise ValidationProblems(_("Thông tin trên thẻ chưa khớp."), problems=problems)
            for field, value in (("citizen_id", number), ("date_of_birth", dob), ("gender", gender)):
                if value and getattr(account, field) != value:
                    setattr(account, field, value)
                    changed.append(field)
            document = "citizen_id"
        now = clock.now()
        account.assurance_level = User.Assurance.VERIFIED
        account.assurance_verified_at = now
        account.assurance_verified_by = officer
        account._audit_recorded = True
        account.save(update_fields=["assurance_level", "assurance_verified_at", "assurance_verified_by", *changed])
        audit.record(
            AuditEntry.Action.ASSURANCE_RAISED,
            actor=officer,
            target=account,
            request=request,
            data={
                "from": 1,
                "to": 2,
                "agency": agency.code,
                "document": document,
                "number": mask(number),
                "filled": changed,
                "note": check.note[:200],
            },
        )
        notify(
            user=account,
            event="accounts.assurance_raised",
            context={"agency": agency.name, "at": now},
            dedupe_key=f"accounts:assurance:{account.pk}:2",
        )
    return account
