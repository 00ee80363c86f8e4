"""Dossier models, one concern per module."""

from .attachments import Attachment
from .clock import ClockEntry
from .codes import DossierCodeSequence
from .core import Channel, Dossier, DossierEvent, NationalStatus, Status
from .desk import ApologySlip, Handover, SupplementRequest
from .documents import IssuedDocument
from .numbering import DocumentNumber
from .reminders import Reminder
from .store import StoredDocument

__all__ = [
    "ApologySlip",
    "Attachment",
    "Channel",
    "ClockEntry",
    "DocumentNumber",
    "Dossier",
    "DossierCodeSequence",
    "DossierEvent",
    "Handover",
    "IssuedDocument",
    "NationalStatus",
    "Reminder",
    "Status",
    "StoredDocument",
    "SupplementRequest",
]
