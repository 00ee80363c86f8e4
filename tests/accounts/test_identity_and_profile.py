"""Identity assurance level 2 (verified in person at a desk) and the person's own profile."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from portal.accounts import services
from portal.accounts.services import IdentityCheck, ProfileData
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from portal.models import AuditEntry, Message, OfficerPost, User
from tests.factories import AgencyFactory, CitizenFactory, OfficerPostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """A receiver at the provincial public-administration centre (holds identity.verify there)."""
    centre = AgencyFactory(code="000.00.01.H41", name="Trung tâm Phục vụ hành chính công tỉnh Long An")
    post = OfficerPostFactory(agency=centre, role=OfficerPost.Role.RECEIVER)
    return post.user, centre


@pytest.fixture
def binh():
    return UserFactory(
        full_name="Trần Thị Bình",
        email="binh@example.vn",
        email_verified_at=timezone.now(),
        citizen_id="079195001234",
        date_of_birth=date(1995, 1, 1),
        gender="female",
    )


def test_a_receiver_raises_a_citizen_to_level_two_after_checking_the_card(desk, binh):
    officer, centre = desk
    services.raise_assurance(
        officer=officer,
        account=binh,
        agency=centre,
        check=IdentityCheck(document_number="079195001234", note="CCCD gốc"),
    )
    binh.refresh_from_db()
    assert binh.assurance_level == User.Assurance.VERIFIED
    assert binh.assurance_verified_by == officer and binh.assurance_verified_at is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ASSURANCE_RAISED)
    assert entry.actor == officer and entry.target_user == binh
    assert entry.data["agency"] == "000.00.01.H41"
    assert entry.data["number"] == "••••••••1234"  # never the whole number in the log
    assert Message.objects.get(recipient="binh@example.vn").event == "accounts.assurance_raised"


def test_missing_details_are_filled_from_the_card(desk):
    officer, centre = desk
    account = UserFactory(citizen_id=None)
    services.raise_assurance(
        officer=officer,
        account=account,
        agency=centre,
        check=IdentityCheck(document_number="080090001234", date_of_birth=date(1990, 5, 1), gender="male"),
    )
    account.refresh_from_db()
    assert (account.citizen_id, account.date_of_birth, account.gender) == ("080090001234", date(1990, 5, 1), "male")


@pytest.mark.parametrize(
    ("check", "problem"),
    [
        (IdentityCheck(document_number="079195009999"), "không khớp với số đã đăng ký"),
        (
            IdentityCheck(document_number="079195001234", date_of_birth=date(1995, 2, 2)),
            "Ngày sinh trên thẻ không khớp",
        ),
        (IdentityCheck(document_number="079195001234", gender="male"), "Mã giới tính"),
    ],
    ids=["other-number", "other-birth-date", "other-gender"],
)
def test_a_card_that_does_not_match_changes_nothing(desk, binh, check, problem):
    officer, centre = desk
    with pytest.raises(ValidationProblems) as refused:
        services.raise_assurance(officer=officer, account=binh, agency=centre, check=check)
    assert problem in " ".join(refused.value.problems)
    binh.refresh_from_db()
    assert binh.assurance_level == User.Assurance.SELF_REGISTERED
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ASSURANCE_RAISED).exists()


def test_only_an_officer_holding_identity_verify_at_that_agency_may(desk, binh):
    _officer, centre = desk
    specialist = OfficerPostFactory(agency=centre, role=OfficerPost.Role.SPECIALIST).user
    elsewhere = OfficerPostFactory(role=OfficerPost.Role.RECEIVER).user
    for officer in (specialist, elsewhere, binh):
        with pytest.raises(NotAllowed):
            services.raise_assurance(
                officer=officer, account=binh, agency=centre, check=IdentityCheck(document_number="079195001234")
            )


def test_a_business_is_checked_against_its_tax_code(desk):
    officer, centre = desk
    company = UserFactory(
        kind=User.Kind.BUSINESS, organisation_name="Công ty ABC", tax_code="0100109106", citizen_id=None
    )
    with pytest.raises(ValidationProblems):
        services.raise_assurance(officer=officer, account=company, agency=centre, check=IdentityCheck("0100109107"))
    services.raise_assurance(officer=officer, account=company, agency=centre, check=IdentityCheck("0100109106"))
    company.refresh_from_db()
    assert company.assurance_level == 2


def test_level_two_cannot_be_raised_again(desk, binh):
    officer, centre = desk
    services.raise_assurance(officer=officer, account=binh, agency=centre, check=IdentityCheck("079195001234"))
    with pytest.raises(InvalidTransition):
        services.raise_assurance(officer=officer, account=binh, agency=centre, check=IdentityCheck("079195001234"))


def test_the_desk_finds_accounts_by_exact_identifiers_only(binh):
    CitizenFactory(full_name="Trần Văn Bình", phone="0987654321")
    assert list(services.find_accounts(query="079195001234")) == [binh]
    assert list(services.find_accounts(query="BINH@example.vn")) == [binh]
    assert [u.phone for u in services.find_accounts(query="+84 987 654 321")] == ["0987654321"]
    assert list(services.find_accounts(query="Bình")) == []
    assert list(services.find_accounts(query="0791")) == []


def profile(user: User, **changes) -> ProfileData:
    return ProfileData(**{**services.profile_data(user).__dict__, **changes})


def test_profile_changes_are_saved_and_audited_by_field_name(binh):
    changed = services.update_profile(
        user=binh, data=profile(binh, address="5 Hùng Vương, Tân An", notify_by_email=True, notify_by_sms=False)
    )
    assert changed == ["address"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROFILE_CHANGED)
    assert entry.data == {"fields": ["address"]}  # names, never the values


def test_a_verified_identity_is_locked(desk, binh):
    officer, centre = desk
    services.raise_assurance(officer=officer, account=binh, agency=centre, check=IdentityCheck("079195001234"))
    binh.refresh_from_db()
    services.update_profile(user=binh, data=profile(binh, full_name="Tên Khác", citizen_id="080090001234"))
    binh.refresh_from_db()
    assert (binh.full_name, binh.citizen_id) == ("Trần Thị Bình", "079195001234")
    assert services.locked_fields(binh) == ("full_name", "citizen_id", "date_of_birth", "gender")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"notify_by_email": False, "notify_by_sms": False, "notify_by_zalo": False}, "ít nhất một kênh"),
        ({"citizen_id": "079195001234", "gender": "male"}, "Mã giới tính"),
        ({"full_name": "  "}, "Nhập họ và tên"),
    ],
    ids=["no-channel", "cccd-gender", "empty-name"],
)
def test_profile_problems(binh, changes, problem):
    with pytest.raises(ValidationProblems) as refused:
        services.update_profile(user=binh, data=profile(binh, **changes))
    assert problem in " ".join(refused.value.problems)


def test_sms_needs_a_phone(binh):
    binh.phone = None
    binh.save()
    with pytest.raises(ValidationProblems, match="Thông tin chưa hợp lệ"):
        services.update_profile(user=binh, data=profile(binh, notify_by_sms=True))
