"""SMS through the eSMS.vn gateway (brandname customer-care messages), used when ``SMS_BACKEND=esms``."""

from .plugin import ESMSPlugin

__all__ = ["ESMSPlugin"]
