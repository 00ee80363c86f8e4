"""Writes about dossiers other than status changes (those are ``dossiers.workflow``), one module per concern:
``attachments`` (files per component, in versions), ``store`` (the citizen's document store), ``submission`` (the
citizen's draft, answers, submission, signature, supplement answer), ``partner`` (dossiers pushed by partner systems).
Import the module you need: ``from dossiers.services import attachments``.
"""
