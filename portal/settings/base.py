"""Settings shared by every environment. Values come from the environment (see env.py)."""

from __future__ import annotations

import secrets
from datetime import time
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import config, database, email

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(config("VAR_DIR", str(BASE_DIR / "var"), help_text="Folder for the embedded defaults' data."))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _embedded_secret_key() -> str:
    """A random key kept in var/ so that sessions survive restarts of the demo; production must set SECRET_KEY."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = (
    config(
        "SECRET_KEY",
        None,
        help_text="Django secret key (at least 50 random characters). Unset: a random key kept in VAR_DIR/secret_key.",
    )
    or _embedded_secret_key()
)
DEBUG = config("DEBUG", False, cast=bool, help_text="Show debug pages. Never on in production.")
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost"], cast=list, help_text="Comma-separated host names served."
)
CSRF_TRUSTED_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS", [], cast=list, help_text="Comma-separated origins (https://host) trusted for POST."
)

INSTALLED_APPS = [
    "portal",
    "procedures",
    "dossiers",
    "feedback",
    "reporting",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.OfficerTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    }
]

DATABASES = {"default": database(f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

REDIS_URL = config("REDIS_URL", None, help_text="Redis URL for the task broker and cache. Default: no server.")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by the web and worker processes of the embedded default (rate limits, statistics cache). It lives in
    # its own SQLite file reached through its own connection (portal.dbrouters): a cache write made inside a business
    # transaction can neither abort it nor be rolled back with it, and never takes the main database's write lock.
    DATABASES["cache"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "cache.sqlite3"),
        "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
    }
    DATABASE_ROUTERS = ["portal.dbrouters.CacheRouter"]
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first, English second. Source strings are written in Vietnamese.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Dossier files are private: stored outside the web root and served only through access-checked views.
MEDIA_ROOT = Path(config("MEDIA_ROOT", str(VAR_DIR / "media"), help_text="Folder for uploaded and issued files."))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Backups (Long An QĐ 30/2019 art 4.6: at least weekly): manage.py backup / restore and the weekly beat task.
BACKUP_DIR = Path(config("BACKUP_DIR", str(VAR_DIR / "backups"), help_text="Folder for database and media backups."))
BACKUP_KEEP = config("BACKUP_KEEP", 8, cast=int, help_text="How many backups to keep (the oldest are deleted).")
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_CONFIG = email(f"filemail://{VAR_DIR / 'mail'}")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG.get("EMAIL_BACKEND", "").endswith("filebased.EmailBackend"):
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = config(
    "DEFAULT_FROM_EMAIL", "Cổng Dịch vụ công <no-reply@dichvucong.local>", help_text="Sender of e-mails."
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server needed).
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": config(
            "CELERY_VISIBILITY_TIMEOUT", 600, cast=int, help_text="Seconds before an unacked task is redelivered."
        )
    }
else:
    _queue = VAR_DIR / "celery"
    for _sub in ("out", "processed", "control"):
        (_queue / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is ignored; naming it silences a kombu warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "data_folder_processed": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),  # broadcast (pidbox) files; default is ./control
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE: dict = {}  # filled by portal.schedule (kept beside the tasks it names)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "portal.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": "Cổng Dịch vụ công — API công khai và API cho hệ thống đối tác.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" field; name each choice set after its model in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "dossiers.models.core.Status",
        "ProcedureVersionStatusEnum": "procedures.models.ProcedureVersion.Status",
    },
}

# Brute-force protection on login (django-axes).
AXES_FAILURE_LIMIT = config("AXES_FAILURE_LIMIT", 5, cast=int, help_text="Failed logins before a lock-out.")
AXES_COOLOFF_TIME = config("AXES_COOLOFF_MINUTES", 15, cast=int, help_text="Lock-out length in minutes.") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# One counter per account whichever spelling is typed (e-mail case, +84 or 0 for phones).
AXES_USERNAME_CALLABLE = "portal.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.auth.locked_out"  # renders AXES_LOCKOUT_TEMPLATE in words

# Notification channels (portal/notifications): which plugin delivers each channel. "record" is the local stand-in
# that keeps every message under var/deliveries/ (the demo mailbox shows them); "esms" is the eSMS.vn gateway.
NOTIFICATION_BACKENDS = {
    "email": "email",
    "sms": config("SMS_BACKEND", "record", help_text="SMS delivery: 'record' (local stand-in) or 'esms' (eSMS.vn)."),
    "zalo": "record",
}
ESMS = {
    "API_KEY": config("ESMS_API_KEY", "", help_text="eSMS.vn API key (when SMS_BACKEND=esms)."),
    "SECRET_KEY": config("ESMS_SECRET_KEY", "", help_text="eSMS.vn secret key (when SMS_BACKEND=esms)."),
    "BRANDNAME": config("ESMS_BRANDNAME", "", help_text="Registered SMS brandname shown as the sender."),
}

# Content Security Policy (django-csp 4): only our own origin; htmx and charts are vendored.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; keep Django's default.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- The province (DESIGN §5, §7). Values differ between provinces: they are settings. ---
PORTAL_NAME = config("PORTAL_NAME", "Cổng Dịch vụ công tỉnh Long An", help_text="Name shown in the header.")
PORTAL_NAME_EN = config(
    "PORTAL_NAME_EN",
    "Long An Province Public Service Portal" if PORTAL_NAME == "Cổng Dịch vụ công tỉnh Long An" else "",
    help_text="Name shown in the header of the English interface (empty: PORTAL_NAME).",
)
PORTAL_PROVINCE = config("PORTAL_PROVINCE", "Long An", help_text="Province name used in documents.")
PORTAL_BASE_URL = config(
    "PORTAL_BASE_URL", "http://127.0.0.1:8000", help_text="Absolute public URL, used in QR codes and messages."
)
DEMO_MODE = config("DEMO_MODE", False, cast=bool, help_text="Show the demo mailbox and demo logins.")

# Digital signatures (dossiers/signing.py): each agency signs with <SIGNING_DIR>/<agency code>.pem and .key.
SIGNING_DIR = Path(
    config(
        "SIGNING_DIR",
        str(VAR_DIR / "pki"),
        help_text="Folder of the agencies' signing certificates (<agency code>.pem, <agency code>.key); "
        "manage.py make_demo_pki creates a demo CA and certificates there.",
    )
)
SIGNING_TRUST_ROOTS = config(
    "SIGNING_TRUST_ROOTS",
    [],
    cast=list,
    help_text="Comma-separated PEM/DER files or folders of trusted root CA certificates used to verify signed PDFs. "
    "Default: ca.pem in SIGNING_DIR (the demo CA).",
)
SIGNING_KEY_PASSPHRASE = config(
    "SIGNING_KEY_PASSPHRASE", "", help_text="Passphrase of the agencies' private keys, if they are encrypted."
)
# Officers and administrators must use TOTP two-factor login (on in production).
OTP_REQUIRED_FOR_OFFICERS = config(
    "OTP_REQUIRED_FOR_OFFICERS", False, cast=bool, help_text="Require TOTP for officers and administrators."
)
OTP_TOTP_ISSUER = PORTAL_NAME

WORKDAY_INTERVALS = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
WORKDAY_CUTOFF = time(17, 0)
WORKDAY_WEEKEND = (5, 6)
PAPER_TRANSFER_CUTOFF = time(15, 0)  # ND 61/2018 art 18: paper dossiers after 15:00 go next working day.
DESK_CHECK_SLA_HOURS = config(
    "DESK_CHECK_SLA_HOURS", 8, cast=int, help_text="Working hours the desk has to check an online dossier."
)
SUPPLEMENT_REQUEST_LIMIT_DAYS = 3  # ND 61/2018 art 19.4
VERIFICATION_CODE_TTL_MINUTES = 15
VERIFICATION_CODE_MAX_ATTEMPTS = 5

# Public lookup and statistics (reporting helper; DESIGN §8, issue 7).
LOOKUP_RATE_LIMIT = config(
    "LOOKUP_RATE_LIMIT",
    "30/m",
    help_text="Public dossier look-ups allowed per client address (django-ratelimit rate such as 30/m), against "
    "enumeration of dossier codes.",
)
TRUSTED_PROXY_HOPS = config(
    "TRUSTED_PROXY_HOPS",
    0,
    cast=int,
    help_text="Reverse proxies in front of the portal that append the client address to X-Forwarded-For (1 behind "
    "one nginx). 0 uses the connection's address. Rate limits count per client address found this way.",
)
STATS_CACHE_SECONDS = config(
    "STATS_CACHE_SECONDS",
    3600,
    cast=int,
    help_text="How long statistics answers stay in the cache at most (they are invalidated on every change "
    "anyway); 0 turns the statistics cache off.",
)

# Allow tests to move the portal clock across processes (see portal/clock.py). Never in production.
CLOCK_OVERRIDE_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "motcua": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "weasyprint": {"level": "ERROR"},
    },
}
