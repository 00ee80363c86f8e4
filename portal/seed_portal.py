"""The kernel's demo data (dữ liệu mẫu): the demo province of Long An, its officers and citizens.

The agency tree is the model in force since 1/7/2025 (province → departments and commune-level units, no
district), plus one seed-era district sub-tree, kept inactive, to show that both models are just data. Other apps
refer to these agencies by code. Every write is keyed on a natural key (agency code, e-mail), so running the
step twice changes nothing; passwords are only set when an account is created.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from portal import clock, seed
from portal.models import Agency, OfficerPost, User

Log = Callable[[str], None]

# Desk hours (giờ tiếp nhận) as [start, end] intervals of a working day; both add up to 8 working hours.
PROVINCE_HOURS = [["07:30", "11:30"], ["13:00", "17:00"]]
COMMUNE_HOURS = [["07:00", "11:30"], ["13:30", "17:00"]]


@dataclass(frozen=True)
class AgencySeed:
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    desk_hours: list | None = None
    desk_hours_note: str = ""
    is_active: bool = True


K = Agency.Kind
AGENCIES: tuple[AgencySeed, ...] = (
    AgencySeed(
        "000.00.00.H41", "Ủy ban nhân dân tỉnh Long An", K.PROVINCE, None, "UBND tỉnh",
        "Số 61 Nguyễn Huệ, phường Tân An, tỉnh Long An", "0272 3826 123", "ubnd@longan.gov.vn",
    ),
    AgencySeed(
        "000.00.01.H41", "Trung tâm Phục vụ hành chính công tỉnh Long An", K.CENTRE, "000.00.00.H41",
        "Trung tâm PVHCC tỉnh", "Số 2 Song Hành, phường Tân An, tỉnh Long An", "0272 3800 800",
        "motcua@longan.gov.vn", PROVINCE_HOURS, "Tiếp nhận từ thứ Hai đến thứ Sáu, trừ ngày nghỉ lễ, Tết.",
    ),
    AgencySeed(
        "000.00.04.H41", "Sở Tư pháp", K.DEPARTMENT, "000.00.00.H41", "STP",
        "Số 1 Nguyễn Cửu Vân, phường Tân An, tỉnh Long An", "0272 3826 434", "stp@longan.gov.vn",
    ),
    AgencySeed(
        "000.04.01.H41", "Phòng Hành chính tư pháp", K.DIVISION, "000.00.04.H41",
        phone="0272 3826 435", email="hctp.stp@longan.gov.vn",
    ),
    AgencySeed(
        "000.00.07.H41", "Sở Tài chính", K.DEPARTMENT, "000.00.00.H41", "STC",
        "Số 78 Nguyễn Huệ, phường Tân An, tỉnh Long An", "0272 3826 207", "stc@longan.gov.vn",
    ),
    AgencySeed(
        "000.07.02.H41", "Phòng Đăng ký kinh doanh", K.DIVISION, "000.00.07.H41",
        phone="0272 3826 208", email="dkkd.stc@longan.gov.vn",
    ),
    AgencySeed(
        "000.00.12.H41", "Sở Xây dựng", K.DEPARTMENT, "000.00.00.H41", "SXD",
        "Số 65 Nguyễn Huệ, phường Tân An, tỉnh Long An", "0272 3826 310", "sxd@longan.gov.vn",
    ),
    AgencySeed(
        "000.12.01.H41", "Phòng Quản lý xây dựng", K.DIVISION, "000.00.12.H41",
        phone="0272 3826 311", email="qlxd.sxd@longan.gov.vn",
    ),
    AgencySeed(
        "000.00.09.H41", "Sở Nông nghiệp và Môi trường", K.DEPARTMENT, "000.00.00.H41", "SNNMT",
        "Số 5 Võ Văn Tần, phường Tân An, tỉnh Long An", "0272 3826 450", "snnmt@longan.gov.vn",
    ),
    AgencySeed(
        "000.09.03.H41", "Phòng Đất đai", K.DIVISION, "000.00.09.H41",
        phone="0272 3826 451", email="datdai.snnmt@longan.gov.vn",
    ),
    AgencySeed(
        "001.00.00.H41", "Ủy ban nhân dân phường Tân An", K.COMMUNE, "000.00.00.H41", "UBND phường Tân An",
        "Số 10 Trương Định, phường Tân An, tỉnh Long An", "0272 3822 100", "ubnd.tanan@longan.gov.vn",
    ),
    AgencySeed(
        "001.01.00.H41", "Trung tâm Phục vụ hành chính công phường Tân An", K.CENTRE, "001.00.00.H41",
        "Trung tâm PVHCC phường Tân An", "Số 10 Trương Định, phường Tân An, tỉnh Long An", "0272 3822 101",
        "motcua.tanan@longan.gov.vn", COMMUNE_HOURS, "Tiếp nhận buổi sáng từ 7 giờ, buổi chiều từ 13 giờ 30.",
    ),
    AgencySeed(
        "001.02.00.H41", "Phòng Văn hóa – Xã hội phường Tân An", K.DIVISION, "001.00.00.H41",
        phone="0272 3822 102", email="vhxh.tanan@longan.gov.vn",
    ),
    AgencySeed(
        "002.00.00.H41", "Ủy ban nhân dân xã Đức Hòa", K.COMMUNE, "000.00.00.H41", "UBND xã Đức Hòa",
        "Khu phố 1, xã Đức Hòa, tỉnh Long An", "0272 3850 200", "ubnd.duchoa@longan.gov.vn",
    ),
    AgencySeed(
        "002.01.00.H41", "Trung tâm Phục vụ hành chính công xã Đức Hòa", K.CENTRE, "002.00.00.H41",
        "Trung tâm PVHCC xã Đức Hòa", "Khu phố 1, xã Đức Hòa, tỉnh Long An", "0272 3850 201",
        "motcua.duchoa@longan.gov.vn", COMMUNE_HOURS, "Tiếp nhận buổi sáng từ 7 giờ, buổi chiều từ 13 giờ 30.",
    ),
    AgencySeed(
        "010.00.00.H41", "Ủy ban nhân dân huyện Cần Giuộc (mô hình trước 7/2025)", K.DISTRICT, "000.00.00.H41",
        "UBND huyện Cần Giuộc", "Thị trấn Cần Giuộc, huyện Cần Giuộc, tỉnh Long An", is_active=False,
    ),
    AgencySeed(
        "010.01.00.H41", "Ủy ban nhân dân xã Phước Lý (mô hình trước 7/2025)", K.COMMUNE, "010.00.00.H41",
        "UBND xã Phước Lý", "Xã Phước Lý, huyện Cần Giuộc, tỉnh Long An", is_active=False,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class OfficerSeed:
    email: str
    full_name: str
    agency: str
    role: str
    title: str
    label: str


R = OfficerPost.Role
OFFICERS: tuple[OfficerSeed, ...] = (
    OfficerSeed("motcua.tinh@longan.gov.vn", "Lê Thị Thu Hà", "000.00.01.H41", R.RECEIVER,
                "Công chức tiếp nhận và trả kết quả", _("Cán bộ một cửa — Trung tâm PVHCC tỉnh")),
    OfficerSeed("motcua.tanan@longan.gov.vn", "Phạm Minh Tuấn", "001.01.00.H41", R.RECEIVER,
                "Công chức tiếp nhận và trả kết quả", _("Cán bộ một cửa — phường Tân An")),
    OfficerSeed("chuyenvien.tuphap@longan.gov.vn", "Võ Thị Mai", "000.04.01.H41", R.SPECIALIST,
                "Chuyên viên", _("Chuyên viên — Sở Tư pháp")),
    OfficerSeed("chuyenvien.dkkd@longan.gov.vn", "Huỳnh Văn Lộc", "000.07.02.H41", R.SPECIALIST,
                "Chuyên viên", _("Chuyên viên — Đăng ký kinh doanh")),
    OfficerSeed("chuyenvien.xaydung@longan.gov.vn", "Đặng Quốc Bảo", "000.12.01.H41", R.SPECIALIST,
                "Chuyên viên", _("Chuyên viên — Sở Xây dựng")),
    OfficerSeed("chuyenvien.tanan@longan.gov.vn", "Ngô Thị Kim Ngân", "001.02.00.H41", R.SPECIALIST,
                "Công chức Văn hóa – Xã hội", _("Chuyên viên — phường Tân An")),
    OfficerSeed("lanhdao.tuphap@longan.gov.vn", "Trần Văn Hùng", "000.00.04.H41", R.LEADER,
                "Giám đốc Sở", _("Lãnh đạo — Sở Tư pháp")),
    OfficerSeed("lanhdao.taichinh@longan.gov.vn", "Nguyễn Thị Lan", "000.00.07.H41", R.LEADER,
                "Phó Giám đốc Sở", _("Lãnh đạo — Sở Tài chính")),
    OfficerSeed("lanhdao.xaydung@longan.gov.vn", "Bùi Thanh Sơn", "000.00.12.H41", R.LEADER,
                "Giám đốc Sở", _("Lãnh đạo — Sở Xây dựng")),
    OfficerSeed("lanhdao.tanan@longan.gov.vn", "Lý Văn Phúc", "001.00.00.H41", R.LEADER,
                "Chủ tịch UBND phường", _("Lãnh đạo — UBND phường Tân An")),
    OfficerSeed("quantri.tuphap@longan.gov.vn", "Châu Ngọc Trâm", "000.00.04.H41", R.ADMIN,
                "Quản trị hệ thống của Sở", _("Quản trị cơ quan — Sở Tư pháp")),
)  # fmt: skip

SUPERUSER_EMAIL = "admin@longan.gov.vn"
SUPERUSER_NAME = "Quản trị hệ thống tỉnh Long An"
# The level-2 citizen was verified in person at the ward's desk.
VERIFIER_EMAIL = "motcua.tanan@longan.gov.vn"


@dataclass(frozen=True)
class ApplicantSeed:
    email: str
    full_name: str
    label: str
    kind: str = User.Kind.CITIZEN
    phone: str | None = None
    citizen_id: str | None = None
    tax_code: str | None = None
    organisation_name: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    address: str = ""
    commune_code: str = ""
    verified_in_person: bool = False


# GSO codes of the address pickers (procedures/divisions.py): since 1/7/2025 the former Long An lies in the
# province coded 80 (Tây Ninh); phường Tân An is 27712, xã Đức Hòa 27937.
PROVINCE_CODE = "80"


APPLICANTS: tuple[ApplicantSeed, ...] = (
    ApplicantSeed(
        "nguyenvanan@example.vn", "Nguyễn Văn An", _("Công dân (mức 2)"), phone="0912345678",
        citizen_id="080090001234", date_of_birth=date(1990, 5, 12), gender=User.Gender.MALE,
        address="Số 12 Trương Định, phường Tân An, tỉnh Long An", commune_code="27712", verified_in_person=True,
    ),
    ApplicantSeed(
        "tranthibinh@example.vn", "Trần Thị Bình", _("Công dân (mức 1)"), phone="0987654321",
        gender=User.Gender.FEMALE, address="Ấp 3, xã Đức Hòa, tỉnh Long An", commune_code="27937",
    ),
    ApplicantSeed(
        "congty.abc@example.vn", "Lê Văn Cường", _("Doanh nghiệp"), kind=User.Kind.BUSINESS,
        tax_code="0100109106", organisation_name="Công ty TNHH Thương mại ABC Long An",
        address="Số 45 Hùng Vương, phường Tân An, tỉnh Long An", commune_code="27712",
    ),
)  # fmt: skip


def declare_demo_logins() -> None:
    """Publish the logins to portal.seed.DEMO_LOGINS (printed by seed_demo and serve_demo)."""
    seed.add_demo_login(_("Quản trị hệ thống"), SUPERUSER_EMAIL)
    for officer in OFFICERS:
        seed.add_demo_login(officer.label, officer.email)
    for applicant in APPLICANTS:
        seed.add_demo_login(applicant.label, applicant.email)


def seed_portal(log: Log) -> None:
    """Seed step (order 10): agencies, officers and their posts, applicants, the superuser, the calendar."""
    agencies = seed_agencies(log)
    officers = seed_officers(agencies, log)
    seed_applicants(verifier=officers[VERIFIER_EMAIL], log=log)
    seed_calendar(log)
    seed_totp_devices([*officers.values(), User.objects.get(email=SUPERUSER_EMAIL)], log)


def seed_agencies(log: Log) -> dict[str, Agency]:
    by_code: dict[str, Agency] = {}
    created = 0
    for row in AGENCIES:  # parents come before their children in the table
        agency, was_created = Agency.objects.update_or_create(
            code=row.code,
            defaults={
                "name": row.name,
                "short_name": row.short_name,
                "kind": row.kind,
                "parent": by_code[row.parent] if row.parent else None,
                "address": row.address,
                "phone": row.phone,
                "email": row.email,
                "desk_hours": row.desk_hours,
                "desk_hours_note": row.desk_hours_note,
                "is_active": row.is_active,
                "sort_order": len(by_code),
            },
        )
        by_code[row.code] = agency
        created += was_created
    log(f"Cơ quan: {len(by_code)} ({created} mới).")
    return by_code


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once for every demo account: each hash costs about half a second with the production hasher.
    return make_password(seed.DEMO_PASSWORD)


def _account(email: str, **fields) -> tuple[User, bool]:
    """Create or update the account with this e-mail; the password is only set on creation."""
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, password=_demo_password_hash())
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user, created


def seed_officers(agencies: dict[str, Agency], log: Log) -> dict[str, User]:
    now = clock.now()
    _superuser, su_created = _account(
        SUPERUSER_EMAIL,
        full_name=SUPERUSER_NAME,
        kind=User.Kind.OFFICER,
        is_staff=True,
        is_superuser=True,
    )
    if _superuser.email_verified_at is None:
        _superuser.email_verified_at = now
        _superuser.save(update_fields=["email_verified_at"])
    officers: dict[str, User] = {}
    created = int(su_created)
    for row in OFFICERS:
        # Agency administrators manage their procedures in the Django admin, which needs is_staff.
        user, was_created = _account(
            row.email, full_name=row.full_name, kind=User.Kind.OFFICER, is_staff=row.role == OfficerPost.Role.ADMIN
        )
        if user.email_verified_at is None:
            user.email_verified_at = now
            user.save(update_fields=["email_verified_at"])
        OfficerPost.objects.update_or_create(
            user=user,
            agency=agencies[row.agency],
            role=row.role,
            defaults={"title": row.title, "is_active": True},
        )
        officers[row.email] = user
        created += was_created
    log(f"Cán bộ: {len(officers) + 1} kể cả quản trị hệ thống ({created} mới), mỗi người một chức trách.")
    return officers


def seed_applicants(*, verifier: User, log: Log) -> None:
    now = clock.now()
    created = 0
    for row in APPLICANTS:
        user, was_created = _account(
            row.email,
            kind=row.kind,
            full_name=row.full_name,
            organisation_name=row.organisation_name,
            phone=row.phone,
            citizen_id=row.citizen_id,
            tax_code=row.tax_code,
            date_of_birth=row.date_of_birth,
            gender=row.gender,
            address=row.address,
            province_code=PROVINCE_CODE,
            commune_code=row.commune_code,
        )
        changed = []
        if user.email_verified_at is None:
            user.email_verified_at = now
            changed.append("email_verified_at")
        if row.phone and user.phone_verified_at is None:
            user.phone_verified_at = now
            changed.append("phone_verified_at")
        if row.verified_in_person and user.assurance_level < User.Assurance.VERIFIED:
            user.assurance_level = User.Assurance.VERIFIED
            user.assurance_verified_at = now
            user.assurance_verified_by = verifier
            changed += ["assurance_level", "assurance_verified_at", "assurance_verified_by"]
        if changed:
            user.save(update_fields=changed)
        created += was_created
    log(f"Công dân, doanh nghiệp: {len(APPLICANTS)} ({created} mới).")


def _optional(module: str, name: str):
    """A function another helper provides, or None while it does not exist yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def seed_calendar(log: Log) -> None:
    """The decreed days off and compensatory working days 2025–2027 (portal.calendar_decrees)."""
    load = _optional("portal.calendar_decrees", "load_decreed_overrides")
    if load is None:
        log("Lịch làm việc: chưa có portal.calendar_decrees — bỏ qua các ngày nghỉ bù, làm bù.")
        return
    load(log)


def seed_totp_devices(officers: list[User], log: Log) -> None:
    """Give each demo officer the shared demo TOTP secret, once (accounts helper's enrol_totp)."""
    enrol = _optional("portal.accounts.services", "enrol_totp")
    if enrol is None:
        log("Xác thực hai lớp: chưa có portal.accounts.services.enrol_totp — bỏ qua thiết bị TOTP.")
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled = 0
    for user in officers:
        if not TOTPDevice.objects.filter(user=user).exists():
            enrol(user, key=seed.DEMO_TOTP_KEY_HEX)
            enrolled += 1
    log(f"Xác thực hai lớp: thiết bị TOTP cho {len(officers)} cán bộ ({enrolled} mới), cùng một khoá demo.")
