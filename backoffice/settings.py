"""Wegwijs settings: everything comes from the environment, with safe embedded-mode defaults.

See the settings table in README.md. `DEBUG=false` switches on the production hardening
(secure cookies, HSTS, HTTPS redirect); the Content-Security-Policy is always on.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from backoffice.cache_config import redis_caches
from backoffice.env import dev_secret_key, email_settings, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=false.")
    SECRET_KEY = dev_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "backoffice",
    "tickets",
    "knowledge",
    "search",
    "directory",
    "demo",  # demo and generated data (seed_demo, generate_data): may import every app
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "backoffice.users_app.WegwijsUsersConfig",  # wagtail.users with our role boundaries
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the public page cache, so a kept copy gets the same headers as a fresh page.
    "backoffice.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "backoffice.middleware.AdminScriptPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backoffice.security_middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backoffice.security_middleware.MfaRequiredMiddleware",
    "backoffice.page_cache.PublicPageCacheMiddleware",
    "backoffice.middleware.NonStaffAdminRedirectMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Database sessions, saved without waiting for the disk on PostgreSQL (backoffice.session_store).
SESSION_ENGINE = "backoffice.session_store"
ROOT_URLCONF = "backoffice.urls"
# Public forms wrap each field (label, help, errors, input) so it stacks on a phone.
FORM_RENDERER = "backoffice.forms.WegwijsFormRenderer"
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
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    }
]

# --- Database: SQLite in var/ (WAL) by default, anything dj-database-url reads otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'wegwijs.sqlite3'}"
# Connections are kept CONN_MAX_AGE seconds and reused by the next requests of the same worker
# (0: a new connection per request). Closing costs more than it saves: on SQLite every close
# checkpoints the WAL and the next request opens, configures and re-reads the schema again
# (docs/benchmarks.md, "One request alone"). CONN_HEALTH_CHECKS tests a kept connection before
# a request reuses it, so a database restart costs no failed request.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Writers of all processes take turns through a lock file instead of SQLite's busy
    # handler, which sleeps up to 100 ms at a time (backoffice/db/sqlite3/base.py).
    if env_bool("SQLITE_WRITE_GATE", True):
        DATABASES["default"]["ENGINE"] = "backoffice.db.sqlite3"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, process memory otherwise.
# Rate limits, sign-in lockouts and MFA need counters that every worker process sees: their own
# alias, in Redis when REDIS_URL is set, otherwise in a database table (`createcachetable`,
# also run by backoffice's migration 0006).
REDIS_URL = os.environ.get("REDIS_URL", "")
RATE_LIMIT_CACHE = "ratelimit"
# Small state every process must agree on (the search index's generation, which tells web
# processes that the worker changed the index): the same store as the limits, its own keys.
SHARED_STATE_CACHE = "shared"
if REDIS_URL:
    # A Redis outage must not take the site down (backoffice.cache_backends): cached copies
    # fail open (a miss), the limits and shared state fall back to the database table below.
    CACHES = redis_caches(REDIS_URL, RATE_LIMIT_CACHE, SHARED_STATE_CACHE)
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        RATE_LIMIT_CACHE: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wegwijs_rate_limits",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        SHARED_STATE_CACHE: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wegwijs_rate_limits",
            "KEY_PREFIX": "shared",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
# Reverse proxies (addresses or networks, e.g. "10.0.0.0/8,192.0.2.10") whose X-Forwarded-For
# is believed: the client is the rightmost address in it that is not one of them. Empty: the
# connection's address (REMOTE_ADDR) is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

# Public pages (home, knowledge base, articles) kept for anonymous visitors: seconds a copy is
# served at most (0 switches the cache off). Any content change makes copies stale at once
# (backoffice.page_cache); the timeout bounds what no signal reports.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300)
# The Wagtail admin's chrome (sidebar menu, keyboard-shortcuts dialog, the queue's header and
# filters) kept per user and language: seconds a copy is used at most (0 switches it off). Any
# change to accounts, groups, permissions, scopes or the places they name makes copies stale at
# once (backoffice.admin_chrome); the timeout bounds what no signal reports.
ADMIN_CHROME_CACHE_SECONDS = env_int("ADMIN_CHROME_CACHE_SECONDS", 600)
# A visitor with one of these cookies may be signed in, have messages waiting or have voted:
# they get the page made for them.
PUBLIC_PAGE_CACHE_BYPASS_COOKIES = ["sessionid", "messages", "wegwijs_visitor"]

# --- Background work: one task system, django-q2 (ORM broker, or Redis with REDIS_URL).
Q_CLUSTER = {
    "name": "wegwijs",
    "workers": env_int("Q_WORKERS", 1),
    # A task running longer is stopped (a search rebuild at 100,000 questions needs minutes).
    # With the database broker a task a killed worker had taken is handed out again `retry`
    # seconds later; side effects do not wait for that: the outbox sweep hands their rows
    # over after OUTBOX_LEASE_SECONDS, and a late second copy finds the row done.
    "timeout": env_int("TASK_TIMEOUT", 300),
    "retry": env_int("TASK_TIMEOUT", 300) + 60,
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Background tasks",
    "sync": env_bool("TASKS_SYNC", False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# Wagtail (and modelsearch) enqueue their own work through django-tasks; this backend hands it
# to django-q2 so there is a single queue, worker and retry policy to operate.
TASKS = {"default": {"BACKEND": "backoffice.task_bridge.DjangoQTaskBackend"}}

# A worker whose last heartbeat is older than this is reported as degraded on /health/. A live
# worker writes one about every half minute (the heartbeat and the outbox sweep, each a minute).
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 90)

# --- Outbox (backoffice.outbox): side effects written with the change, run after the commit.
# A row not done this many seconds after it was handed to the worker is handed over again by
# the sweep (then 2x, 4x... longer, at most an hour); also the wait after a failed run.
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
# How long one run may hold a row; a killed worker's rows come back after this.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 60)
# The sweep's rhythm, in minutes (django-q2 schedules run at most once a minute).
OUTBOX_SWEEP_MINUTES = env_int("OUTBOX_SWEEP_MINUTES", 1)
# Failed runs before a row is given up (reported on /health/ for a day).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 10)
# Done rows and sent-mail records are kept this long.
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7)
# A mail claimed by a run that died is sent again after this many seconds.
OUTBOX_MAIL_CLAIM_SECONDS = env_int("OUTBOX_MAIL_CLAIM_SECONDS", 300)
# /health/ says degraded when the oldest waiting side effect is older than this.
OUTBOX_BACKLOG_MAX_AGE = env_int("OUTBOX_BACKLOG_MAX_AGE", 300)
# The mail server's reachability is probed at most this often per process (seconds).
SMTP_PROBE_SECONDS = env_int("SMTP_PROBE_SECONDS", 60)

HEALTH_CHECKS = {
    "database": "backoffice.health.check_database",
    "cache": "backoffice.health.check_cache",
    "broker": "backoffice.health.check_broker",
    "search": "search.health.check_search_backend",
    "worker": "backoffice.health.check_worker",
    "mail": "backoffice.health.check_mail",
    "outbox": "backoffice.health.check_outbox",
}

# --- Search
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Indexes are "<prefix>-<kind>" aliases (e.g. wegwijs-question) over timestamped indexes.
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "wegwijs")
# Seconds a query waits for Elasticsearch before the database answers instead.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "5"))
# Replicas of each index: 0 on one node, 1 or more on a cluster (a rebuild adds them at the end).
ELASTICSEARCH_REPLICAS = env_int("ELASTICSEARCH_REPLICAS", 0)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.title_norms"}}

# --- Mail
EMAIL_URL = os.environ.get("EMAIL_URL", "")
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", globals().get("DEFAULT_FROM_EMAIL", "wegwijs@localhost")
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Authentication
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Every password check goes through the lockout (backoffice.signin): per account and per client.
AUTHENTICATION_BACKENDS = ["backoffice.signin.ThrottledModelBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "backoffice.forms.AdminLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "backoffice.forms.AdminPasswordResetForm"  # noqa: S105
# Failed sign-ins within SIGNIN_FAILURE_WINDOW_MINUTES: at the limit for one account (any
# client) or one client (any account), sign-in is refused, even with the right password, for
# SIGNIN_LOCKOUT_MINUTES.
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", 5)
SIGNIN_FAILURES_PER_CLIENT = env_int("SIGNIN_FAILURES_PER_CLIENT", 20)
SIGNIN_FAILURE_WINDOW_MINUTES = env_int("SIGNIN_FAILURE_WINDOW_MINUTES", 15)
SIGNIN_LOCKOUT_MINUTES = env_int("SIGNIN_LOCKOUT_MINUTES", 15)
# Password-reset requests per client, and per e-mail address, an hour.
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 5)

# MFA (backoffice.mfa, django-otp): TOTP with recovery codes, enrolled at the first sign-in.
# Always for superusers and coordinators; for every account that opens the Wagtail or Django
# admin unless switched off; for professionals (public site) only when switched on.
MFA_REQUIRED_FOR_ALL_STAFF = env_bool("MFA_REQUIRED_FOR_ALL_STAFF", True)
MFA_REQUIRED_FOR_PROFESSIONALS = env_bool("MFA_REQUIRED_FOR_PROFESSIONALS", False)
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = os.environ.get("MFA_ISSUER", "Wegwijs")
# Wrong codes make each device wait longer (1 s, 2 s, 4 s, ...): django-otp's throttling.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions (backoffice.sessions): staff (admin access) end after this many idle minutes and in
# any case this many hours after signing in; professionals after their own idle time; a
# newcomer's follow-up (a question opened with its code) after FOLLOW_UP_SESSION_MINUTES idle.
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 12)
PROFESSIONAL_SESSION_IDLE_MINUTES = env_int("PROFESSIONAL_SESSION_IDLE_MINUTES", 120)
FOLLOW_UP_SESSION_MINUTES = env_int("FOLLOW_UP_SESSION_MINUTES", 30)

# --- Languages: Dutch first; the public site is language-prefixed (/nl/, /ar/, ...).
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
]
LOCALE_PATHS = [BASE_DIR / "backoffice" / "locale"]
USE_I18N = True
USE_TZ = True
# Date formats per language (day first, month named) for every page: backoffice/formats.
FORMAT_MODULE_PATH = ["backoffice.formats"]
TIME_ZONE = "Europe/Brussels"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = "Wegwijs"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Absolute base of links in e-mails to requesters.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would send a hash of every staff e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Only an approval in "Legal review" publishes an article (knowledge.review): the approval checks
# the text, records the review date and reviewer, then publishes the approved revision.
WAGTAIL_FINISH_WORKFLOW_ACTION = "knowledge.workflow_finish.publish_approved"
# Four eyes: whoever submitted an article for legal review may not approve it themselves.
LEGAL_REVIEW_ALLOW_SELF_APPROVAL = env_bool("LEGAL_REVIEW_ALLOW_SELF_APPROVAL", False)

# --- Files
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Attachments of questions: outside MEDIA_ROOT, never served by URL, only through a view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 5)
# Uploads kept between attempts of a form with an error (tickets.intake.staging): files per client
# and hour, and minutes they are kept. Stored files without a row (a crash mid-upload) are
# removed once this many minutes old (tickets.attachments.sweep_orphans).
STAGING_FILES_PER_HOUR = env_int("STAGING_FILES_PER_HOUR", 20)
STAGING_KEEP_MINUTES = env_int("STAGING_KEEP_MINUTES", 120)
ORPHAN_FILE_MINUTES = env_int("ORPHAN_FILE_MINUTES", 60)
# Documents and handover: generated DOCX files are kept this many days in private storage;
# case files and dossiers of more messages than the threshold are made by the worker; after a
# transfer the sending region may read (not change) the question this many days.
GENERATED_DOCUMENT_DAYS = env_int("GENERATED_DOCUMENT_DAYS", 7)
DOCUMENT_WORKER_THRESHOLD = env_int("DOCUMENT_WORKER_THRESHOLD", 50)
HANDOVER_READ_ONLY_DAYS = env_int("HANDOVER_READ_ONLY_DAYS", 30)

# Public forms: attempts per client (hashed address) and window.
INTAKE_LIMIT_PER_HOUR = env_int("INTAKE_LIMIT_PER_HOUR", 10)
FOLLOW_UP_ATTEMPTS_PER_15_MIN = env_int("FOLLOW_UP_ATTEMPTS_PER_15_MIN", 10)
# A form sent again (double click, lost response) shows the question's reference and code again
# for this many hours after it was made (tickets.intake.submissions).
SUBMISSION_REPLAY_HOURS = env_int("SUBMISSION_REPLAY_HOURS", 24)
# "Was this helpful?" answers per client connection and hour (knowledge base).
ARTICLE_VOTES_PER_HOUR = env_int("ARTICLE_VOTES_PER_HOUR", 30)
# Article reads are added up in each web process and written at most this often (one statement
# for all of them; knowledge.reads). 0 writes every read at once.
ARTICLE_READS_FLUSH_SECONDS = env_int("ARTICLE_READS_FLUSH_SECONDS", 10)

# Service levels (tickets.sla): working days when no policy matches, and how many days before
# a legal deadline a question is escalated.
SLA_DEFAULT_FIRST_RESPONSE_DAYS = env_int("SLA_DEFAULT_FIRST_RESPONSE_DAYS", 2)
SLA_DEFAULT_ANSWER_DAYS = env_int("SLA_DEFAULT_ANSWER_DAYS", 10)
SLA_DEADLINE_WARNING_DAYS = env_int("SLA_DEADLINE_WARNING_DAYS", 3)
# Figures that leave the team (exports, monthly reports) hide counts below this number.
FIGURES_MIN_COUNT = env_int("FIGURES_MIN_COUNT", 5)
# Specialists who chose legal domains see (and are assigned) only those; off: their regions'.
SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = env_bool("SPECIALISTS_SEE_ONLY_THEIR_DOMAINS", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "backoffice.static_storage.StaticFilesStorage"
    },
}
# Request bodies: limits set explicitly (a body over them is answered with a clear 400/413
# page, backoffice.error_views). The fields of a form, files not counted:
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_MB", 10) * 1024 * 1024
# Fields in one form (Wagtail's editor of a long article needs the most).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
# Files in one request: a few more than a message may carry (ATTACHMENT_MAX_FILES), so the
# form can still say which files were too many; more are refused before any is read.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file
# Temporary files of uploads being received: in var/, swept of files a killed worker left
# (tickets.intake.staging.purge_upload_temp_files).
FILE_UPLOAD_TEMP_DIR = str(
    Path(os.environ.get("FILE_UPLOAD_TEMP_DIR", VAR_DIR / "tmp" / "uploads"))
)
try:
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only image: the folder is made by the deployment
    pass

# --- Security. The policy is strict for our pages; Wagtail's admin needs inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
X_FRAME_OPTIONS = "SAMEORIGIN"
# A form sent after its page expired gets a page in the visitor's language, not Django's.
CSRF_FAILURE_VIEW = "backoffice.error_views.csrf_failure"
# Wagtail's live preview shows the page in a same-origin frame, so DENY would break editing.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page of Wegwijs uses, switched off for every response (and any frame).
PERMISSIONS_POLICY = (
    "accelerometer=(), ambient-light-sensor=(), autoplay=(), battery=(), bluetooth=(), "
    "camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=(), interest-cohort=()"
)
# /health/ shows its details (database vendor, search backend, worker heartbeat) to signed-in
# staff and to a request with this token (Authorization: Bearer <token>, or ?token=); anyone
# else gets the bare status. Empty: no token opens the details.
HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /health/ is probed over plain HTTP by load balancers and process managers.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Audit: the IP address is never stored raw, only as a keyed hash.
AUDIT_IP_HASH_KEY = os.environ.get("AUDIT_IP_HASH_KEY", SECRET_KEY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task drowns everything else; failures are still logged.
        "django-q": {"level": os.environ.get("TASK_LOG_LEVEL", "WARNING")},
    },
}

# Demo accounts' password (seed_demo); never used outside demo data.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "wegwijs-demo")
