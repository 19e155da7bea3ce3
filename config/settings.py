"""Settings, one module, driven by environment variables (django-environ).

With no environment at all the project runs embedded: SQLite in var/, Celery over kombu's filesystem
transport, mail written to var/mail/. DATABASE_URL, REDIS_URL and EMAIL_URL switch to PostgreSQL,
Redis and SMTP. DJANGO_ENV=production turns on the deployment hardening that `check --deploy` wants.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

from config.logs import log_format, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("CLINIC_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)


def _local_secret_key() -> str:
    """A per-checkout key kept in var/, so the embedded mode needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


# Production must be given its key (a missing one is an error); elsewhere a per-checkout key will do.
SECRET_KEY = env("DJANGO_SECRET_KEY") if PRODUCTION else (env("DJANGO_SECRET_KEY", default=None) or _local_secret_key())

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, its site behind the staff sign-in and its second factor (accounts.two_factor_admin).
    "accounts.two_factor_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",  # API tokens (see "API tokens and web sessions" below)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "django_celery_beat",
    "django_htmx",
    "django_guid",
    "scheduler",
    "bookings",
    "notifications",
    "accounts",
    "audit",  # after auditlog: its admin replaces auditlog's with a read-only one
    "frontdesk",
    "waitlist",
    "outcomes",
    "safety",
    "pumps",
    "backups",  # manage.py backup and restore (make backup, make restore)
    "periodic",
]

MIDDLEWARE = [
    # First, so every line logged for a request carries its id (config.logs): an unsafe X-Request-ID dropped,
    # then django-guid's id (the header's, or a new one) set for the request and its tasks, and answered.
    "config.logs.request_id_middleware",
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static files keep their caching; every other answer is no-store.
    "common.middleware.NoStoreMiddleware",
    # The Content-Security-Policy header on every answer built here (django-csp's; see its section below).
    "config.csp.CSPMiddleware",
    # Every error under /api/ in the API's JSON shape, whoever answered it and whatever DEBUG says.
    "common.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor: which device verified this session, then keep a session that owes a step out of the rest.
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor_middleware.TwoFactorMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and messages are known: signs out a session idle too long (see its section below).
    "accounts.idle.IdleLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "scheduler.middleware.ClinicTimezoneMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
            # `{{ value|clock }}`: a time of day in the clinic's clock format, in every template (no {% load %}).
            "builtins": ["common.templatetags.clock"],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clinic.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers serialise on BEGIN IMMEDIATE: the SQLite half of "no double booking".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A dead database must fail fast (and /healthz say so), not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DATABASE_POOLER=transaction: DATABASE_URL names PgBouncer in transaction pooling mode (docker-compose.yml), which
# hands each transaction whichever server connection is free. Nothing may then outlive a transaction on the
# server: no server-side cursors (Django's .iterator() would open a WITH HOLD cursor on one server connection and
# fetch from another), no prepared statements (psycopg's are per server connection; Django already leaves them
# off, this keeps it so), no session-level SET or advisory lock (the code takes only pg_advisory_xact_lock and
# row locks; tests/test_pooler.py checks both). The connection to PgBouncer itself may persist (CONN_MAX_AGE):
# it holds no server connection between transactions. Migrations go straight to PostgreSQL (compose's migrate).
DATABASE_POOLER = env("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "transaction"):
    raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or 'transaction', not {DATABASE_POOLER!r}")
if DATABASE_POOLER == "transaction":
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_POOLER=transaction needs a PostgreSQL DATABASE_URL (PgBouncer)")
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, cache ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    for sub in ("out", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    # Every folder kombu uses, or it creates a relative ./control in whatever directory a process starts in.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "control_folder": str(BROKER_DIR / "control"),
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# django-celery-beat's DatabaseScheduler (the schedule in the database, editable in the admin) behind a lease in the
# database (periodic.scheduler): however many beats run, only the lease's holder sends; when it dies another takes
# over once the lease runs out. Saved after every send, so a new holder carries on the schedule where it was.
CELERY_BEAT_SCHEDULER = "periodic.scheduler:LeaderScheduler"
CELERY_BEAT_SYNC_EVERY = 1
BEAT_LEASE_SECONDS = env.float("BEAT_LEASE_SECONDS", default=30.0)
CELERY_TIMEZONE = "UTC"
# The queue tasks go to and workers read by default. Tests give each run its own, so parallel test
# processes sharing one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Celery's Django fixup closes the worker's database connection before and after every task unless this
# is set: a new PostgreSQL connection per reminder email, most of a send's cost (bench/reminders.py). With
# it, a worker process keeps its connection for this many tasks (a broken one fails at most that many,
# whose rows the lease sweep takes back).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
# The sweeps, every minute (BEAT_SWEEP_SECONDS: shorter only in tests). The DatabaseScheduler copies them into
# django-celery-beat's tables on start, where an admin can see them. Only one beat sends them (the lease above);
# were two ever to, the sweeps would still be safe (rows are claimed with SKIP LOCKED), just wasteful.
BEAT_SWEEP_SECONDS = env.float("BEAT_SWEEP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {"task": "notifications.tasks.reminders_sweep", "schedule": BEAT_SWEEP_SECONDS},
    # Waitlist offers past their hold expire and their slots go to the next patient; pending offer emails go.
    "waitlist-sweep": {"task": "waitlist.tasks.waitlist_sweep", "schedule": BEAT_SWEEP_SECONDS},
    # Pump episodes: return reminders of overdue devices written, the episode emails due sent.
    "pump-emails-sweep": {"task": "pumps.tasks.episode_emails_sweep", "schedule": BEAT_SWEEP_SECONDS},
}

# --- Email -----------------------------------------------------------------------------------
MAIL_DIR = VAR_DIR / "mail"
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(MAIL_DIR)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A provider through django-anymail instead of SMTP: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend
# and ANYMAIL={"<PROVIDER>_API_KEY": …} from the environment.
if env("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
ANYMAIL = env.json("ANYMAIL", default={})
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Patient emails (notifications) ----------------------------------------------------------
# Where patients' links point: the address of this deployment as patients reach it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The domain in each email's Message-ID (<reminder.<id>.<n>@domain>).
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", default="clinic.invalid")
# A patient link works until the session starts, plus this many hours (0: until the start).
PATIENT_LINK_HOURS_AFTER_START = env.int("PATIENT_LINK_HOURS_AFTER_START", default=0)
# Sending: tries per email before it is `failed` and shown to staff, and the back-off between tries.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=6)
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=60)
REMINDER_RETRY_MAX_SECONDS = env.int("REMINDER_RETRY_MAX_SECONDS", default=3600)
# A row claimed by a sweep but not sent within this time (its task lost with Redis, or its worker
# killed) is claimed again by a later sweep. Longer than the task's hard time limit.
REMINDER_CLAIM_LEASE_SECONDS = env.int("REMINDER_CLAIM_LEASE_SECONDS", default=300)
# How many rows one sweep claims at most (in batches of 500).
REMINDER_SWEEP_LIMIT = env.int("REMINDER_SWEEP_LIMIT", default=5000)
# The sweeps queue the claimed rows (patient and pump episode emails) in tasks of this many, each sent over one
# connection to the mail server, row by row. At a relay's pace (a few hundred ms an email) 50 still ends well
# inside the task's time limit.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)

# --- Auth, i18n, static ----------------------------------------------------------------------
# The login guard first: a locked-out (username, address) pair is refused before any password check.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The staff pages (frontdesk/) sign in with Django's LoginView; the admin keeps its own form.
LOGIN_URL = "frontdesk:login"
LOGIN_REDIRECT_URL = "frontdesk:day"
LOGOUT_REDIRECT_URL = "frontdesk:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Idle logout (HIPAA §164.312(a)(2)(iii), automatic logoff) ---------------------------------------
# A signed-in browser session with no request for this long is signed out at its next request
# (accounts.idle), and the open page sends itself to the sign-in page when this long passes with no key,
# click or pointer input (frontdesk/static/frontdesk/idle.js). API clients with a token are not affected.
SESSION_IDLE_TIMEOUT_MINUTES = env.float("SESSION_IDLE_TIMEOUT_MINUTES", default=15)
# The session cookie ends with the browser, whatever the idle timer says.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Brute-force protection (django-axes) on every login path: admin, API token, staff pages ---
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Lock the pair, never the username alone: an attacker elsewhere cannot lock staff out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# The username as axes stores it: cut to its column's length (a 1 MB username was a 500 on the sign-in form).
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
# The client address, for the lockout and the audit trail alike: REMOTE_ADDR, unless the environment's
# TRUSTED_PROXY_COUNT says how many reverse proxies (each appending to X-Forwarded-For) stand in front
# of the app. Then it is the address the outermost proxy saw; a longer chain (a client-sent header) is
# not trusted. ipware counts the proxies listed in the header: one fewer, the last being REMOTE_ADDR.
_trusted_proxies = env.int("TRUSTED_PROXY_COUNT", default=0)
if _trusted_proxies > 0:
    AXES_IPWARE_PROXY_COUNT = _trusted_proxies - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_PROXY_COUNT = None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# --- Two-factor sign-in (django-otp; accounts/two_factor.py) ------------------------------------
# An authenticator app (TOTP) with ten single-use recovery codes. Required for admins (and superusers) and for
# every staff member of a clinic with `require_two_factor`; optional for everyone else. A wrong code counts as a
# failed sign-in for the lockout above.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# The name the authenticator app shows beside the account: neutral, like the patients' email name.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Clinic scheduler")
# django-otp's own back-off per device, whatever the address: after n wrong codes in a row the next is not
# even checked for 2^(n-1) seconds (its defaults, spelled out).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's pages of devices (superusers only) never show a key, a QR code or a recovery code: enough to
# remove a lost phone's device, nothing to copy one with.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Audit trail (django-auditlog; see audit/__init__.py) ---------------------------------------
# Patient saves outside bookings.services.patients (the admin's) and deletes are logged by auditlog;
# the services record their own writes, cycles' and sessions' included.
# The serialized data keeps only the clinic, which scopes each entry to a clinic.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "bookings.Patient",
        "exclude_fields": ["updated_at"],
        "serialize_data": True,
        "serialize_kwargs": {"fields": ["clinic"]},
    },
)
AUDITLOG_STORE_JSON_CHANGES = True
# auditlog's own header (X-Correlation-ID) is client-sent: not stored.
AUDITLOG_CID_HEADER = None

# --- API tokens and web sessions (accounts) ----------------------------------------------------
# Each sign-in at POST /api/v1/auth/token/ makes a new token for that device (django-rest-knox): stored
# hashed (SHA-512), sent as `Authorization: Token <token>`, ended by logout, logout-all, the account
# page's "Sign out everywhere" and deactivating the account.
# The lifetime covers one clinic shift (the long ones are 12 hours) and ends before the next: a device
# signed in at the start of a shift is not cut off during it, and a lost or copied token is worth half a
# day at most. Use does not extend it (knox's AUTO_REFRESH stays off): a token in steady use by a thief
# would otherwise never expire; a client signs in again when its token ends.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be at least 1: API tokens always expire.")
# knox's own token table (the swappable token model is not swapped); accounts.TokenDevice names each token's device.
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 (a model name)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    # The header integrations already send (it was DRF's authtoken's).
    "AUTH_HEADER_PREFIX": "Token",
}
# Web sessions in a table that records each session's user, so that every session of one user can be
# ended at once (Django's documented extension of the database session engine; accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Flash messages ("Jane Doe is registered.") kept in the session, not in a cookie the browser stores.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, documenting the errors every operation can answer (common.openapi).
    "DEFAULT_SCHEMA_CLASS": "common.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # JSON only, with a nesting limit (a hostile body is a 400, not a RecursionError). Form and multipart
    # bodies are a 415: offered beside JSON they made generated clients send each field in every encoding.
    # A view that takes a file upload (none today) would add MultiPartParser for itself.
    "DEFAULT_PARSER_CLASSES": ["common.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Infusion clinic scheduler API",
    "DESCRIPTION": (
        "Book and run courses of infusion sessions. Every request is authenticated "
        "(`Authorization: Token …` from `POST /api/v1/auth/token/`, or a signed-in session), scoped to the "
        "clinics the user belongs to, and checked against the user's role (admin, front_desk, clinician). "
        "Errors have one shape: `{\"code\", \"message\", \"details\"}`. A body that cannot be read is refused "
        "first: JSON that does not parse or nests more than 32 levels deep is 400 `parse_error`, a body over 2.5 MB "
        "is 413 `request_too_large`. Inputs are read as strictly as this schema types them (no `\"5\"` for 5, no 0 for "
        "false); no text may hold U+0000 (400)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Enums whose field names are shared (`kind`, `outcome`) get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "ReplanKindEnum": "bookings.api.replan.REPLAN_KINDS",
        "ReplanOutcomeEnum": "bookings.api.replan.REPLAN_OUTCOMES",
        "SafetyCheckStateEnum": "safety.api.serializers.CHECK_STATES",
        "SafetyCheckKindEnum": "safety.models.CheckKind",
        "PumpStatusEnum": "pumps.models.PumpStatus",
        "EpisodeStatusEnum": "pumps.models.EpisodeStatus",
        "EpisodeVisitStatusEnum": "pumps.models.VisitStatus",
        "EpisodeVisitModeEnum": "pumps.models.ReviewMode",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The default hook, then OpenAPI links from each creation to what can follow it (config/openapi.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.openapi.add_links"],
}

# --- Content-Security-Policy (django-csp; config.csp.CSPMiddleware in MIDDLEWARE) ------------------
# One strict policy, enforced (not report-only), on every answer: the staff pages, the admin, the API docs,
# the patient link pages, error and lockout pages. Scripts and styles come only from our own static files:
# no inline <script>, <style> or style="", no eval (htmx is configured for it in frontdesk/base.html).
# What needs more widens it for itself, each with its reason: the API docs (config/urls.py: Swagger UI's
# data: images) and DRF's browsable API (config/csp.py: style attributes, no script).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        # No <base> may redirect relative URLs; no site may frame ours (clickjacking; X-Frame-Options as well).
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Forms post only here (a stolen form cannot send its fields elsewhere).
        "form-action": [SELF],
    },
}

# --- Deployment hardening --------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer probes speak plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # The __Host- prefix: browsers keep such a cookie only if it is Secure, for path / and without a Domain,
    # so no other host under the same domain (a marketing site, a compromised subdomain) can set or
    # overwrite the session or CSRF cookie. Renaming signs everyone out once, on the first deploy.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
# Lax: a link from an email or another site opens the desk signed in, but no other site can post to it
# with the staff's cookies (CSRF tokens stand behind that too).
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Django's defaults, stated: links to other sites carry no path (patient searches, link tokens); no other
# window keeps a handle on ours.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logs, metrics, error reports (config.logs, config.metrics, config.sentry) -------------------------
# One line per record on stdout: LOG_FORMAT=json (production's default; one JSON object per line with time, level,
# logger, message, request_id, and task_id/task_name in a task) or plain (elsewhere: `make run`'s terminal).
LOG_FORMAT = log_format(dict(os.environ))
LOGGING = logging_config(log_format=LOG_FORMAT, level=env("LOG_LEVEL", default="INFO"))
# The request id (django-guid): a safe X-Request-ID from the proxy is kept (config.logs.SAFE_REQUEST_ID), else one
# is made; the answer carries it in X-Request-ID, and every task the request queues carries it to the worker.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # Checked before (config.logs.request_id_middleware, stricter than "a UUID"): what reaches django-guid is kept.
    "VALIDATE_GUID": False,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,  # a CORS header; no other origin reads these answers
    "INTEGRATIONS": [CeleryIntegration()],
}
# GET /metrics (Prometheus' text format) answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Error reports to Sentry (or a compatible service) when a DSN is given; none are sent without one. Patient data
# is scrubbed from each event before it leaves (config.sentry.scrub).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default=DJANGO_ENV)
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)

# --- Planner (schedule quality; bench/simulate compares the strategies, docs/PERFORMANCE.md) ----------
# How the series planner picks a free chair: "compact" (best fit: the smallest idle gap beside the chair's
# other sessions that day), "first" (the first free chair in the clinic's order) or "spread" (the chair
# with the fewest booked minutes that day).
PLANNER_CHAIR_STRATEGY = env("PLANNER_CHAIR_STRATEGY", default="compact")
if PLANNER_CHAIR_STRATEGY not in ("compact", "first", "spread"):
    raise ImproperlyConfigured("PLANNER_CHAIR_STRATEGY must be compact, first or spread.")
