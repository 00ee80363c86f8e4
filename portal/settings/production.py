"""Production: everything secret comes from the environment; `check --deploy` is clean."""

import os

os.environ.setdefault("OTP_REQUIRED_FOR_OFFICERS", "true")

from .base import *  # noqa: F403
from .env import config

SECRET_KEY = config("SECRET_KEY", help_text="Django secret key (required in production).")
DEBUG = False
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", True, cast=bool, help_text="Redirect HTTP to HTTPS.")
# The reverse proxy terminates HTTPS and must set (not pass through) X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks (docker/healthcheck.py, a load balancer's probe) speak plain HTTP to gunicorn directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", 31536000, cast=int, help_text="HSTS max-age in seconds.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
