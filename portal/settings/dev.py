"""Development and the embedded demo (`make run`): SQLite, a file broker, files under var/."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DEMO_MODE", "true")

from .base import *  # noqa: F403
