"""The dossiers' JSON API under /api/v1/: one module per concern (``lookup``; partner systems later)."""
