"""Feedback models: Q&A, complaints, FAQ, ratings. Each module holds one concern; import them from here."""

from .faq import FAQ

__all__ = ["FAQ"]
