"""Kernel models. Each module holds one concern; import them from here."""

from .agencies import Agency, OfficerPost
from .audit import AuditEntry
from .calendar import CalendarOverride
from .notifications import Message
from .partners import PartnerSystem
from .users import User
from .verification import VerificationCode

__all__ = [
    "Agency",
    "AuditEntry",
    "CalendarOverride",
    "Message",
    "OfficerPost",
    "PartnerSystem",
    "User",
    "VerificationCode",
]
