"""Reads of dossiers, one module per audience: ``lookup`` (the public), ``desk`` (officers), ``citizen``."""
