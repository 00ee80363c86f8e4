"""Settings of the portal as benchmarked by bench_public.py: production-like (DEBUG off, the full middleware stack),
plus one baseline route, ``/bench/minimal/``, a minimal Django JSON view behind the very same middleware.

The lookup's rate limit is raised (every request of the benchmark comes from one address) but still counted in
Redis, as in production. ``STATS_CACHE_SECONDS`` comes from the environment: the harness measures statistics with
the cache off (every answer computed) and on.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOOKUP_RATE_LIMIT", "100000000/m")

from portal.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "public_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
