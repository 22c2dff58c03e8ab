"""Settings for FinHub Back Office, read from the environment (see .env.example)."""

from pathlib import Path
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from backoffice import serving
from backoffice.secret_key import weakness as secret_key_weakness

# Lets Django's generic classes (BaseFormSet[...] and friends) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The sandbox gateway's default address: GATEWAY_URL unset means "use the sandbox".
SANDBOX_GATEWAY_URL = "http://127.0.0.1:8001"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

DEBUG = env.bool("DEBUG", default=False)
SANDBOX_ONLY_SECRET_KEY = "insecure-sandbox-only-secret-key-change-me" * 2
SECRET_KEY = env.str("SECRET_KEY", default=SANDBOX_ONLY_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "backoffice",
    "customers",
    "tickets",
    "search",
]

MIDDLEWARE = [
    "backoffice.middleware.RequestIdMiddleware",
    "backoffice.request_log.RequestLogMiddleware",
    "backoffice.gateway_page.GatewayPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "backoffice.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "backoffice.cached_user.CachedAuthenticationMiddleware",
    "backoffice.preferences.StaffTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "backoffice.middleware.StaffLoginRequiredMiddleware",
    "backoffice.middleware.GatewaySessionMiddleware",
    "backoffice.middleware.GatewayErrorMiddleware",
]

# Inputs, textareas and selects written in Python (same markup, a fraction of the CPU).
FORM_RENDERER = "backoffice.form_rendering.FastWidgetRenderer"

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backoffice.context_processors.staff",
                "customers.context_processors.pending_approvals",
                "search.context_processors.search",
            ],
        },
    },
]

# SQLite and a per-process cache by default (`make demo`, one process); PostgreSQL and Redis
# when several processes or nodes serve together (README, "Production").
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'backoffice.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_POOL", default=True
):
    # One pool per process: a request holds one connection, so threads is all it can use.
    # PostgreSQL then sees at most processes x threads connections from each node.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=serving.worker_threads()),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
    # The pool checks a connection before lending it: a restarted server costs no failed request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://backoffice")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering must cost a request seconds, not the worker's whole timeout.
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 2.0,
        "socket_timeout": 2.0,
        "health_check_interval": 30,
        **CACHES["default"].get("OPTIONS", {}),
    }

AUTH_USER_MODEL = "backoffice.StaffMember"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "customers:list"
# Sessions live in the database, read through the cache: every process and node sees them when
# both are shared (PostgreSQL + Redis).
SESSION_ENGINE = "backoffice.session_store"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = False
USE_TZ = True
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_FORMAT = "Y-m-d"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The FinHub gateway
GATEWAY_URL = env.str("GATEWAY_URL", default="") or SANDBOX_GATEWAY_URL
# The sandbox-only default, a placeholder copied from .env.example or a short key will do for the
# sandbox on this machine; any other gateway refuses to start with one.
if urlsplit(GATEWAY_URL).hostname not in LOOPBACK_HOSTS:
    _weakness = (
        "the default is only for the local sandbox gateway"
        if SECRET_KEY == SANDBOX_ONLY_SECRET_KEY
        else secret_key_weakness(SECRET_KEY)
    )
    if _weakness:
        raise ImproperlyConfigured(
            f"Set SECRET_KEY to a long random value: {_weakness}. One way: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
GATEWAY_TENANT_ID = env.str("GATEWAY_TENANT_ID", default="finhub-demo")
GATEWAY_CONNECT_TIMEOUT = env.float("GATEWAY_CONNECT_TIMEOUT", default=3.05)
GATEWAY_READ_TIMEOUT = env.float("GATEWAY_READ_TIMEOUT", default=10.0)
GATEWAY_POOL_SIZE = env.int("GATEWAY_POOL_SIZE", default=16)
GATEWAY_READ_RETRIES = env.int("GATEWAY_READ_RETRIES", default=2)
GATEWAY_RETRY_BACKOFF = env.float("GATEWAY_RETRY_BACKOFF", default=0.2)
GATEWAY_CONCURRENCY = env.int("GATEWAY_CONCURRENCY", default=8)
# Seconds a page may spend on the gateway in all: every call of the page shares them.
GATEWAY_PAGE_DEADLINE = env.float("GATEWAY_PAGE_DEADLINE", default=8.0)
# Pages per process waiting on the gateway at once (a page's concurrent reads count once):
# below the server's threads per process, so sign-in and static files always find a thread.
GATEWAY_MAX_IN_FLIGHT = env.int(
    "GATEWAY_MAX_IN_FLIGHT", default=max(1, serving.worker_threads() - 2)
)
# How long a page waits for a place before it is told "busy, try again"; no wait at all when
# every place has been held this long (the gateway is slow).
GATEWAY_BUSY_WAIT = env.float("GATEWAY_BUSY_WAIT", default=0.25)
# Refresh the access token when it has fewer seconds than this left.
# A write whose answer was lost and that a read-back does not find is taken as "not applied"
# only this long after it was sent: a gateway that answered late may still be applying it.
GATEWAY_WRITE_SETTLE_SECONDS = env.float("GATEWAY_WRITE_SETTLE_SECONDS", default=30.0)
GATEWAY_TOKEN_REFRESH_MARGIN = env.int("GATEWAY_TOKEN_REFRESH_MARGIN", default=60)

# Failed sign-ins for one username from one client address, and from one address for any
# usernames, before further attempts there are refused; and for how long after the last one.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts none.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# One JSON object per line (python-json-logger), with the request id and staff id on every
# line; LOG_FORMAT=plain for people reading a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "backoffice.request_id.RequestIdLogFilter"},
        "staff_id": {"()": "backoffice.request_log.StaffLogFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(staff_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s "
            "[rid=%(request_id)s staff=%(staff_id)s]"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["request_id", "staff_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}

# Health and metrics (README, "Health and metrics").
READYZ_TIMEOUT = env.float("READYZ_TIMEOUT", default=2.0)
# /metrics answers only a scraper sending "Authorization: Bearer <METRICS_TOKEN>"; unset: 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Probes often speak plain HTTP to the process itself, behind the TLS-terminating proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Four-eyes: customer changes held for a second officer's approval before they are sent.
# Transitions, not targets: a change *to* a value in a plain list, or *away from* a value in a
# _LEAVING list (blacklisted → new, KYC rejected → pending), waits for a second officer.
FOUR_EYES_STATUSES = env.list(
    "FOUR_EYES_STATUSES", default=["verified", "blacklisted", "bancrupted"]
)
FOUR_EYES_STATUSES_LEAVING = env.list(
    "FOUR_EYES_STATUSES_LEAVING", default=["blacklisted", "bancrupted"]
)
FOUR_EYES_KYC = env.list("FOUR_EYES_KYC", default=["confirmed", "rejected"])
FOUR_EYES_KYC_LEAVING = env.list("FOUR_EYES_KYC_LEAVING", default=["rejected"])
FOUR_EYES_PEP = env.list("FOUR_EYES_PEP", default=[])
FOUR_EYES_PEP_LEAVING = env.list("FOUR_EYES_PEP_LEAVING", default=["match"])
GATEWAY_ENUM_CACHE_SECONDS = env.int("GATEWAY_ENUM_CACHE_SECONDS", default=300)
# How long a missing or failing optional read (the staff directory) is remembered.
GATEWAY_FAILURE_CACHE_SECONDS = env.int("GATEWAY_FAILURE_CACHE_SECONDS", default=60)

# Attachments checked before anything is sent to the gateway.
TICKET_UPLOAD_MAX_BYTES = env.int("TICKET_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
TICKET_UPLOAD_MAX_FILES = env.int("TICKET_UPLOAD_MAX_FILES", default=5)
# The queue colours a ticket's age and its time since the last activity against these.
TICKET_SLA_WARN_HOURS = env.float("TICKET_SLA_WARN_HOURS", default=24.0)
TICKET_SLA_BREACH_HOURS = env.float("TICKET_SLA_BREACH_HOURS", default=72.0)
TICKET_UPLOAD_CONTENT_TYPES = env.list(
    "TICKET_UPLOAD_CONTENT_TYPES",
    default=["application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"],
)
# Search: an index of a minimal projection of customers and tickets (README, "Search").
SEARCH_ENABLED = env.bool("SEARCH_ENABLED", default=True)
# `manage.py sync_search --if-stale` (cron, systemd timer) re-reads an index older than this.
SEARCH_REFRESH_SECONDS = env.int("SEARCH_REFRESH_SECONDS", default=15 * 60)
# The service account the sync reads the gateway with; blank: a sandbox user, and only when the
# gateway is the sandbox on this machine.
SEARCH_SYNC_USERNAME = env.str("SEARCH_SYNC_USERNAME", default="")
SEARCH_SYNC_PASSWORD = env.str("SEARCH_SYNC_PASSWORD", default="")
SEARCH_SYNC_PAGE_SIZE = env.int("SEARCH_SYNC_PAGE_SIZE", default=200)

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
