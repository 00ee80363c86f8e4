"""Test settings. DATABASE_URL and REDIS_URL point at real PostgreSQL and Redis (see Makefile)."""

import os

os.environ.setdefault("DEMO_MODE", "false")

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CLOCK_OVERRIDE_ALLOWED = True
AXES_FAILURE_LIMIT = 5

# Django's live server (browser tests) builds a media handler from MEDIA_URL and fails on every request when it is
# None. Dossier files are still served only through access-checked views: nothing links to this prefix.
MEDIA_URL = "/_media-not-linked/"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns on every request when it is missing
