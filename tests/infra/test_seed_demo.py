"""seed_demo: the demo province of DEMO_PROVINCE.md, loaded as often as one likes with the same result."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from portal import seed
from portal.models import Agency, CalendarOverride, OfficerPost, User
from portal.permissions import may
from portal.seed_portal import AGENCIES, APPLICANTS, OFFICERS

pytestmark = pytest.mark.django_db

# The tree of DEMO_PROVINCE.md: code → (kind, parent code, active).
PROVINCE_TREE = {
    "000.00.00.H41": ("province", None, True),
    "000.00.01.H41": ("centre", "000.00.00.H41", True),
    "000.00.04.H41": ("department", "000.00.00.H41", True),
    "000.04.01.H41": ("division", "000.00.04.H41", True),
    "000.00.07.H41": ("department", "000.00.00.H41", True),
    "000.07.02.H41": ("division", "000.00.07.H41", True),
    "000.00.12.H41": ("department", "000.00.00.H41", True),
    "000.12.01.H41": ("division", "000.00.12.H41", True),
    "000.00.09.H41": ("department", "000.00.00.H41", True),
    "000.09.03.H41": ("division", "000.00.09.H41", True),
    "001.00.00.H41": ("commune", "000.00.00.H41", True),
    "001.01.00.H41": ("centre", "001.00.00.H41", True),
    "001.02.00.H41": ("division", "001.00.00.H41", True),
    "002.00.00.H41": ("commune", "000.00.00.H41", True),
    "002.01.00.H41": ("centre", "002.00.00.H41", True),
    "010.00.00.H41": ("district", "000.00.00.H41", False),
    "010.01.00.H41": ("commune", "010.00.00.H41", False),
}

# login → (role, agency code) of DEMO_PROVINCE.md
POSTS = {
    "motcua.tinh@longan.gov.vn": ("receiver", "000.00.01.H41"),
    "motcua.tanan@longan.gov.vn": ("receiver", "001.01.00.H41"),
    "chuyenvien.tuphap@longan.gov.vn": ("specialist", "000.04.01.H41"),
    "chuyenvien.dkkd@longan.gov.vn": ("specialist", "000.07.02.H41"),
    "chuyenvien.xaydung@longan.gov.vn": ("specialist", "000.12.01.H41"),
    "chuyenvien.tanan@longan.gov.vn": ("specialist", "001.02.00.H41"),
    "lanhdao.tuphap@longan.gov.vn": ("leader", "000.00.04.H41"),
    "lanhdao.taichinh@longan.gov.vn": ("leader", "000.00.07.H41"),
    "lanhdao.xaydung@longan.gov.vn": ("leader", "000.00.12.H41"),
    "lanhdao.tanan@longan.gov.vn": ("leader", "001.00.00.H41"),
    "quantri.tuphap@longan.gov.vn": ("admin", "000.00.04.H41"),
}


def seed_portal() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--only", "portal", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "agencies": list(Agency.objects.order_by("code").values()),
        "posts": list(
            OfficerPost.objects.order_by("user__email", "role").values("user__email", "agency__code", "role")
        ),
        "users": list(User.objects.order_by("email").values()),
        "calendar": list(CalendarOverride.objects.order_by("date", "kind").values("date", "kind", "agency_id")),
    }


def test_the_demo_province_is_the_tree_of_demo_province_md():
    seed_portal()
    agencies = {a.code: a for a in Agency.objects.select_related("parent")}
    assert set(agencies) == set(PROVINCE_TREE)
    for code, (kind, parent, active) in PROVINCE_TREE.items():
        agency = agencies[code]
        assert (agency.kind, agency.parent.code if agency.parent else None, agency.is_active) == (kind, parent, active)
    # the districts' sub-tree of the seed era hangs under the province, like the model in force
    assert agencies["010.01.00.H41"].is_within(agencies["000.00.00.H41"])
    # every desk (centre) says when it receives, and every active agency can be contacted
    for agency in agencies.values():
        if agency.kind == "centre":
            assert agency.desk_hours and agency.desk_hours_note, agency.code
        if agency.is_active:
            assert agency.phone and agency.email, agency.code


def test_officers_hold_the_posts_of_demo_province_md_and_may_act_there():
    seed_portal()
    posts = {
        post.user.email: (post.role, post.agency.code) for post in OfficerPost.objects.select_related("user", "agency")
    }
    assert posts == POSTS
    receiver = User.objects.get(email="motcua.tinh@longan.gov.vn")
    centre = Agency.objects.get(code="000.00.01.H41")
    assert may(receiver, "desk.receive", centre)
    assert not may(receiver, "desk.receive", Agency.objects.get(code="001.01.00.H41"))
    leader = User.objects.get(email="lanhdao.tuphap@longan.gov.vn")
    assert may(leader, "dossier.approve", Agency.objects.get(code="000.04.01.H41"))  # its division too
    admin = User.objects.get(email="admin@longan.gov.vn")
    assert admin.is_superuser and admin.is_staff


def test_every_demo_login_opens_with_the_printed_password():
    output = seed_portal()
    logins = [login for _label, login in seed.DEMO_LOGINS]
    assert len(logins) == len(OFFICERS) + len(APPLICANTS) + 1
    for login in logins:
        user = User.objects.get(email=login)
        assert user.check_password(seed.DEMO_PASSWORD), login
        assert user.is_active and user.email_verified_at, login
        assert login in output
    assert f"mật khẩu chung: {seed.DEMO_PASSWORD}" in output


def test_citizens_and_the_business_are_those_of_demo_province_md():
    seed_portal()
    an = User.objects.get(email="nguyenvanan@example.vn")
    assert (an.phone, an.citizen_id, an.assurance_level) == ("0912345678", "080090001234", 2)
    assert an.assurance_verified_by.email == "motcua.tanan@longan.gov.vn" and an.assurance_verified_at
    binh = User.objects.get(email="tranthibinh@example.vn")
    assert (binh.phone, binh.assurance_level, binh.citizen_id) == ("0987654321", 1, None)
    business = User.objects.get(email="congty.abc@example.vn")
    assert (business.kind, business.tax_code) == (User.Kind.BUSINESS, "0100109106")
    assert business.organisation_name
    for user in (an, binh, business):
        user.full_clean()  # CCCD, phone and tax code pass the portal's own validators
    # their addresses open in the e-form's pickers (GSO codes since 1/7/2025)
    from procedures import divisions

    assert divisions.commune(an.commune_code).name == "Phường Tân An"
    assert divisions.commune(binh.commune_code).name == "Xã Đức Hòa"
    assert divisions.commune(an.commune_code).province_code == an.province_code == "80"


def test_seeding_twice_changes_nothing():
    seed_portal()
    first = snapshot()
    second_output = seed_portal()
    assert snapshot() == first
    assert "Cơ quan: 17 (0 mới)." in second_output


def test_reseeding_keeps_a_password_the_user_changed():
    seed_portal()
    user = User.objects.get(email="tranthibinh@example.vn")
    user.set_password("mat-khau-rieng-2026")
    user.save()
    seed_portal()
    user.refresh_from_db()
    assert user.check_password("mat-khau-rieng-2026")


def test_decreed_calendar_overrides_are_loaded_when_the_calendar_module_exists():
    output = seed_portal()
    try:
        from portal.calendar_decrees import load_decreed_overrides  # noqa: F401
    except ImportError:
        assert "chưa có portal.calendar_decrees" in output
        assert not CalendarOverride.objects.exists()
    else:
        count = CalendarOverride.objects.count()
        assert count > 0
        seed_portal()
        assert CalendarOverride.objects.count() == count


def test_officers_get_the_printed_demo_totp_key_when_enrolment_exists():
    output = seed_portal()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        from portal.accounts.services import enrol_totp  # noqa: F401
    except ImportError:
        assert "bỏ qua thiết bị TOTP" in output
        return
    officers = User.objects.filter(kind=User.Kind.OFFICER)
    devices = TOTPDevice.objects.filter(user__in=officers, key=seed.DEMO_TOTP_KEY_HEX)
    assert devices.count() == officers.count() == len(OFFICERS) + 1
    assert seed.DEMO_TOTP_BASE32 in output
    device = devices.first()
    assert device.verify_token(totp(bytes.fromhex(seed.DEMO_TOTP_KEY_HEX)))  # what an app shows right now
    seed_portal()
    assert TOTPDevice.objects.filter(user__in=officers).count() == officers.count()


def test_a_failing_step_leaves_nothing_of_its_own_and_says_which(monkeypatch):
    def broken_step(log):
        Agency.objects.create(code="999.00.00.H41", name="Nửa chừng", kind=Agency.Kind.OTHER)
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setitem(seed._STEPS, "broken", seed.RegisteredStep("broken", 99, broken_step))
    with pytest.raises(CommandError, match=r"broken.*hỏng giữa chừng"):
        call_command("seed_demo", "--only", "broken", stdout=io.StringIO())
    assert not Agency.objects.filter(code="999.00.00.H41").exists()


def test_an_unknown_step_is_refused_with_the_list_of_steps():
    with pytest.raises(CommandError, match="portal"):
        call_command("seed_demo", "--only", "no-such-step", stdout=io.StringIO())


def test_steps_run_in_order_and_register_either_way(monkeypatch):
    monkeypatch.setattr(seed, "_STEPS", {})
    ran = []

    def second(log):
        ran.append("second")

    seed.register("first", lambda log: ran.append("first"), order=5)
    seed.register(second, order=50)
    first, then = seed.steps()
    assert (first.name, first.order, then.order) == ("first", 5, 50)
    assert then.name.endswith(".second")  # named after the function when no name is given
    call_command("seed_demo", stdout=io.StringIO())
    assert ran == ["first", "second"]


def test_the_seed_table_and_the_agency_list_agree():
    assert {row.code for row in AGENCIES} == set(PROVINCE_TREE)
