"""Account services: every write about accounts goes through these functions (views and the API call them).

``registration`` (đăng ký), ``contacts`` (xác minh e-mail/điện thoại), ``passwords`` (quên/đổi mật khẩu),
``profile`` (thông tin cá nhân), ``identity`` (nâng mức xác thực), ``totp`` (xác thực hai lớp), ``codes`` (mã một lần).
"""

from .contacts import confirm_code, confirm_link, has_verified_contact, pending_verifications, request_change
from .contacts import send_verification as send_contact_verification
from .identity import IdentityCheck, find_accounts, raise_assurance
from .passwords import change_password, request_reset, reset_with_code, reset_with_link
from .profile import ProfileData, locked_fields, profile_data, update_profile
from .registration import RegistrationData, register, registration_problems
from .totp import enrol_totp, regenerate_backup_codes, second_factor_needed_at_login

__all__ = [
    "IdentityCheck",
    "ProfileData",
    "RegistrationData",
    "change_password",
    "confirm_code",
    "confirm_link",
    "enrol_totp",
    "find_accounts",
    "has_verified_contact",
    "locked_fields",
    "pending_verifications",
    "profile_data",
    "raise_assurance",
    "regenerate_backup_codes",
    "register",
    "registration_problems",
    "request_change",
    "request_reset",
    "reset_with_code",
    "reset_with_link",
    "second_factor_needed_at_login",
    "send_contact_verification",
    "update_profile",
]
