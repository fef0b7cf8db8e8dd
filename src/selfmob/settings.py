"""One flat settings module. It works with no environment at all: the local profile (SQLite,
plain HTTP on 127.0.0.1, a dev secret, demo data allowed) with the app's own error pages;
`DATABASE_URL` switches to PostgreSQL; production (`SELFMOB_LOCAL=0`) fails closed: it needs a
real SECRET_KEY and explicit ALLOWED_HOSTS, checked by `selfmob.checks`. Django's debug pages
show only with `SELFMOB_DEBUG_PAGES=1`, and never in production.

Environment:
  SELFMOB_LOCAL=0|1 (its older name SELFMOB_DEBUG is still read), SELFMOB_DEBUG_PAGES=0|1,
  SELFMOB_SECRET_KEY, SELFMOB_ALLOWED_HOSTS=a.example,b.example,
  SELFMOB_DATA_DIR (SQLite file and uploads), DATABASE_URL=postgres://user:pw@host:5432/db,
  SELFMOB_EMAIL_HOST / _PORT / _USER / _PASSWORD / _TLS (SMTP; console e-mail otherwise),
  SELFMOB_DEFAULT_FROM_EMAIL, SELFMOB_EMAIL_DIR (e-mails as files, without SMTP),
  SELFMOB_SECURE_COOKIES=0|1,
  SELFMOB_REDIS_URL=redis://host:6379/0 (shared cache and sessions; the database otherwise),
  SELFMOB_EXPORTS_PER_MINUTE, SELFMOB_LOGIN_WINDOW_SECONDS, SELFMOB_LOGIN_FAILURES_PER_ACCOUNT,
  SELFMOB_LOGIN_FAILURES_PER_ADDRESS, SELFMOB_PROXY_HOPS, SELFMOB_AUDIT_ADDRESS_DAYS
  (see docs/deployment.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

DEV_SECRET_KEY = "selfmob-development-only-secret-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres://, got {parts.scheme!r}"
        )
    if not parts.path.strip("/"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. .../selfmob")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # One test database per test process, so two test runs on one server never collide.
        "TEST": {"NAME": f"test_{unquote(parts.path.lstrip('/'))}_{os.getpid()}"},
    }


def sqlite_database(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Tests use a file too (not shared-cache memory), so WAL, busy_timeout and IMMEDIATE
        # behave as in production under concurrency.
        "TEST": {"NAME": path.with_name(f"test-{os.getpid()}-{path.name}")},
        # Keep the connection between requests: opening one runs the PRAGMAs below, and
        # closing the last one checkpoints the WAL, together about 1 ms per request.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # Without IMMEDIATE, concurrent read-then-write requests fail with "database is
            # locked"; WAL lets readers work while one writer commits.
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
        },
    }


DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "selfmob_cache",  # made by `selfmob migrate` (createcachetable)
}


def redis_cache(url: str) -> dict[str, object]:
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"SELFMOB_REDIS_URL must start with redis://, got {url!r}")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "selfmob",
    }


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SELFMOB_DATA_DIR") or Path.cwd() / "var")
LOCAL = env_bool("SELFMOB_LOCAL", env_bool("SELFMOB_DEBUG", True))
"""The local profile (`make run`, a bare `selfmob serve`): plain HTTP, a dev secret, demo
data. Off in production."""
DEBUG = LOCAL and env_bool("SELFMOB_DEBUG_PAGES", False)
"""Django's debug pages (tracebacks, URL lists): only when asked for, and only locally."""
SECRET_KEY = os.environ.get("SELFMOB_SECRET_KEY") or DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("SELFMOB_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = env_list("SELFMOB_CSRF_TRUSTED_ORIGINS", [])

_database_url = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else sqlite_database(DATA_DIR / "selfmob.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs page's scripts from here, not from a CDN
    "selfmob.clinic",
]
MIDDLEWARE = [
    # Outermost, so that an error anywhere below (sessions included) answers /api/ in JSON.
    "selfmob.clinic.api.errors.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "selfmob.urls"
WSGI_APPLICATION = "selfmob.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "clinic.User"
# Every password check counts failures per account and address (selfmob.clinic.throttle).
AUTHENTICATION_BACKENDS = ["selfmob.clinic.auth_backend.ThrottledModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Everything that decides what a request may do (sessions, rate counts) lives where every
# process and host sees it: the database by default, Redis when SELFMOB_REDIS_URL is set.
# Never in one process's memory: a logout there would not reach the other workers.
REDIS_URL = os.environ.get("SELFMOB_REDIS_URL", "")
CACHES = {"default": redis_cache(REDIS_URL) if REDIS_URL else DATABASE_CACHE}
# With Redis, sessions are read from it and written through to the database (a restart of
# Redis logs nobody out); without it, straight from the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
INVITE_DAYS = env_int("SELFMOB_INVITE_DAYS", 7)
EXPORTS_PER_MINUTE = env_int("SELFMOB_EXPORTS_PER_MINUTE", 30)  # PDFs and downloads per account
# `selfmob import` reads any size in a few MiB of memory, but holds the database's write lock
# through its second pass and needs temporary disk of about the file's size: a larger file
# (our default: about two million sessions) is refused before it is read.
IMPORT_MAX_MIB = env_int("SELFMOB_IMPORT_MAX_MIB", 1024)
# Failed log-ins allowed in a window before that account, or that address, must wait for the
# window to end (labelled defaults of ours, not from a source: see docs/deployment.md).
LOGIN_WINDOW_SECONDS = env_int("SELFMOB_LOGIN_WINDOW_SECONDS", 900)
LOGIN_FAILURES_PER_ACCOUNT = env_int("SELFMOB_LOGIN_FAILURES_PER_ACCOUNT", 10)
LOGIN_FAILURES_PER_ADDRESS = env_int("SELFMOB_LOGIN_FAILURES_PER_ADDRESS", 50)
# Password-reset e-mails per hour, per account and per address (our defaults).
RESET_EMAILS_PER_ACCOUNT = env_int("SELFMOB_RESET_EMAILS_PER_ACCOUNT", 3)
RESET_EMAILS_PER_ADDRESS = env_int("SELFMOB_RESET_EMAILS_PER_ADDRESS", 20)
# A browser that has logged in to an account is counted apart from everyone else for that
# long, so nobody can lock its owner out by failing on purpose (our default).
LOGIN_DEVICE_DAYS = env_int("SELFMOB_LOGIN_DEVICE_DAYS", 365)
# Behind N reverse proxies that each append to X-Forwarded-For, the client's address is the
# N-th from the right, believed only from the proxies' own addresses (IPs or networks);
# 0 (the default) uses the connection's own address.
PROXY_HOPS = env_int("SELFMOB_PROXY_HOPS", 0)
TRUSTED_PROXIES = env_list("SELFMOB_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Days the audit trail keeps the address each access came from (personal data); then
# `selfmob audit --purge-addresses` blanks it. A labelled default of ours, not from a source.
AUDIT_ADDRESS_DAYS = env_int("SELFMOB_AUDIT_ADDRESS_DAYS", 90)
# The site's public address, for links made outside a request (CLI exports, QR codes in PDFs
# rendered by `selfmob export`). Pages use the request's own address.
BASE_URL = os.environ.get("SELFMOB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("SELFMOB_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not LOCAL
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Source maps are for developers' tools, never sent compressed: compressing ninja's with
# brotli took most of collectstatic's 39 s (bench figure in docs/deployment.md).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Locally, WhiteNoise serves the apps' static files where they are (no collectstatic).
WHITENOISE_USE_FINDERS = LOCAL
WHITENOISE_AUTOREFRESH = LOCAL

_email_host = os.environ.get("SELFMOB_EMAIL_HOST", "")
# Without SMTP, e-mails are printed, or written one file each into SELFMOB_EMAIL_DIR.
EMAIL_FILE_PATH = os.environ.get("SELFMOB_EMAIL_DIR", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if _email_host
    else "django.core.mail.backends.filebased.EmailBackend"
    if EMAIL_FILE_PATH
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = _email_host
EMAIL_PORT = env_int("SELFMOB_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("SELFMOB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SELFMOB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SELFMOB_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("SELFMOB_DEFAULT_FROM_EMAIL", "selfmob <noreply@localhost>")

_secure = env_bool("SELFMOB_SECURE_COOKIES", not LOCAL)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SELFMOB_SSL_REDIRECT", not LOCAL)
SECURE_HSTS_SECONDS = env_int("SELFMOB_HSTS_SECONDS", 0 if LOCAL else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_HSTS_PRELOAD = env_bool("SELFMOB_HSTS_PRELOAD", not LOCAL)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576  # bodies above 1 MiB: 400 on pages, 413 on the API
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secrets": {"()": "selfmob.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["secrets"]}},
    "loggers": {
        # Every Django logger (requests, CSRF refusals, security) writes through the filter.
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "selfmob": {"handlers": ["console"], "level": "INFO"},
    },
}
