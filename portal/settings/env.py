"""Every environment variable the portal reads, with its documentation.

Each variable is read through :func:`config`, which records its help text so that
``manage.py envvars`` can print the full list (12-factor: nothing secret in the repo).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import environ

_env = environ.Env()


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: Any
    help_text: str
    required: bool = False


REGISTRY: dict[str, EnvVar] = {}

_MISSING = object()


def config(name: str, default: Any = _MISSING, *, cast: type | None = str, help_text: str) -> Any:
    """Read ``name`` from the environment, documenting it; raise if required and absent."""
    REGISTRY[name] = EnvVar(name, None if default is _MISSING else default, help_text, required=default is _MISSING)
    if name not in os.environ:
        if default is _MISSING:
            raise environ.ImproperlyConfigured(f"Set the environment variable {name}: {help_text}")
        return default
    raw = os.environ[name]
    if cast is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    if cast is None:
        return raw
    return cast(raw)


def database(default_url: str) -> dict[str, Any]:
    url = config(
        "DATABASE_URL",
        default_url,
        help_text="Database URL, e.g. postgres://user:pass@127.0.0.1:5432/motcua. Default: SQLite under var/.",
    )
    db = _env.db_url_config(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN, so row-locking sections (codes, transitions) serialise.
        db["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
    else:
        db["CONN_MAX_AGE"] = config("DB_CONN_MAX_AGE", 60, cast=int, help_text="Seconds to keep DB connections.")
        db["CONN_HEALTH_CHECKS"] = True
    return db


def email(default_url: str) -> dict[str, Any]:
    url = config(
        "EMAIL_URL",
        default_url,
        help_text="E-mail URL, e.g. smtp+tls://user:pass@mail.example:587. Default: files under var/mail/.",
    )
    return _env.email_url_config(url)
