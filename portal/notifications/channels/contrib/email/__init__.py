"""E-mail through Django's configured e-mail backend (SMTP in production, files under var/mail/ in the demo)."""

from .plugin import EmailPlugin

__all__ = ["EmailPlugin"]
