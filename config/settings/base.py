"""Settings that are safe and complete on their own (the embedded default).

Production only tightens these (`config.settings.production`); tests speed them up
(`config.settings.test`). Everything that differs per machine comes from the environment.
"""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.env import BASE_DIR, VAR_DIR, env
from config.observability.errors import configure_sentry, parse_admins
from config.observability.logs import logging_configuration

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-embedded-default-key-change-me")
# Earlier keys, newest first: what they signed (sessions and their login hash, password-reset
# links, django.core.signing values) stays valid after a rotation until they are dropped.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
# Keys the stored hashes of actual controllers' resident ID numbers (accounts.identity): set it
# once and never rotate it, or the same person's companies stop being grouped. Production
# requires it explicitly; this default follows SECRET_KEY only for development.
IDENTITY_KEY_SECRET = env.str("IDENTITY_KEY_SECRET", default=SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "config.folders.LocalFoldersConfig",  # makes var/'s folders on start, not on import
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "accounts",
    "vouchers.ledger",
    "vouchers",
    "reporting",
    "devtools",  # demo data and the simulated year; production leaves it out
]

MIDDLEWARE = [
    # First: the request id, the access line and the HTTP metrics cover everything below.
    "config.observability.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view or query: 400 for control characters and over-long values in the path,
    # the query and form posts (accounts/input_limits.py); after Locale, so it is translated.
    "accounts.input_limits.InputLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.context.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.unread_messages",
            ],
            "builtins": ["accounts.templatetags.wording"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each web or API worker keeps its connection between requests: opening one starts a
# PostgreSQL backend, which costs more than a whole API read. DATABASE_CONN_MAX_AGE=0 closes
# it after each request again. Without health checks (a SELECT 1 before each request's first
# query), a connection the server dropped fails that worker's next request, and is replaced.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
    "DATABASE_CONN_HEALTH_CHECKS", default=False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a connection (and /health/ready) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=3
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Row locks do not exist on SQLite; IMMEDIATE makes each write transaction take the
    # database lock up front, so concurrent writers queue instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
# Past one machine (docs/scaling.md): a streaming replica for the reports, and, when
# DATABASE_URL goes through a transaction-mode pooler (PgBouncer), a direct connection to the
# primary for what needs a session: server-side cursors (exports that stream) and migrations.
# config/db_routers.py sends each read where its call site asks; writes go to the default.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
if env.str("DATABASE_DIRECT_URL", default=""):
    # A named cursor lives in a session; the pooler hands each transaction any server one.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["direct"] = env.db("DATABASE_DIRECT_URL")
for _alias in set(DATABASES) - {"default"}:
    DATABASES[_alias].update(
        ATOMIC_REQUESTS=False, CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=DATABASES["default"]["CONN_HEALTH_CHECKS"],
    )
    if DATABASES[_alias]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES[_alias].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
            "DATABASE_CONNECT_TIMEOUT", default=3
        )
DATABASE_ROUTERS = ["config.db_routers.ReadRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role the application connects as (DATABASE_URL's user), when migrations run
# as a separate owner role. After each migrate the owner grants it row rights on every table
# (config/database_roles.py); empty: no grants (one role, or SQLite).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling and lockout (django-axes): 5 failures for one username from one address
# lock that pair for 15 minutes; the lockout page is ours, in Chinese.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind the TLS proxy every request comes from 127.0.0.1; the proxy overwrites
# X-Forwarded-For with the client's address, and only then may it be trusted (production: on).
TRUST_X_FORWARDED_FOR = env.bool("DJANGO_TRUST_X_FORWARDED_FOR", default=False)
AXES_CLIENT_IP_CALLABLE = "accounts.context.client_ip_address"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Ours: Django 5.2.x's zh_Hans catalogue lacks its message (accounts/password_validation.py)
        "NAME": "accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"  # the portal's 403 page, in the user's language
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A strict Content-Security-Policy: only our own scripts, styles and images; no inline code,
# no plugins, no framing, forms post only to us. The API docs use the split Swagger view.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages write "1 Dec 2026" and 24-hour times (config/formats/en); Chinese, Django's own.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded evidence lives outside the static root and is served only through views
# that check permissions; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Seconds each readiness check may wait for the broker (/health/ready); the cache's own
# bound is CACHE_SOCKET_TIMEOUT_SECONDS below.
HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=1.0)
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A Redis that hangs must not hang each request: the API throttle then counts locally
    # (accounts/api/throttling.py).
    _cache_timeout = env.float("CACHE_SOCKET_TIMEOUT_SECONDS", default=1.0)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}
    )

# Seconds a valid API token stays in the cache (accounts/token_cache.py; 0: never cached). Only
# a cache shared by every process can withdraw a token everywhere at once, so the default is
# on with Redis or Memcached and off with the per-process local memory cache.
_shared_cache = CACHES["default"]["BACKEND"].endswith(
    ("RedisCache", "PyMemcacheCache", "PyLibMCCache")
)
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60 if _shared_cache else 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only; the evidence upload names its multipart parser itself.
    "DEFAULT_PARSER_CLASSES": ["accounts.api.parsers.JSONParser"],  # nesting limit, no NUL
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.api.filtering.FilterBackend",
        "accounts.api.filtering.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "accounts.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.problems.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "write": env.str("API_WRITE_RATE", default="120/min"),
        "auth": env.str("API_AUTH_RATE", default="20/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "长三角科技创新券通用通兑 API",
    "DESCRIPTION": "Programs, applications, vouchers, orders, deliveries, redemptions, "
    "settlements, reports and the ledger read side of the YRD innovation-voucher platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models name their choices `Kind`: each enum gets its own component name.
    "ENUM_NAME_OVERRIDES": {
        "EvidenceKindEnum": "vouchers.models.reference.EvidenceKind",
        "LedgerAccountKindEnum": "vouchers.ledger.models.Account.Kind",
        "ReportKindEnum": "reporting.models.ReportRun.Kind",
        "RecommendationDecisionEnum": "vouchers.models.review.Recommendation.Decision",
        "BulkReviewDecisionEnum": "vouchers.models.review.BulkReview.Decision",
        "BulkReviewKindEnum": "vouchers.models.review.BulkReview.Kind",
    },
}

# Celery: with no CELERY_BROKER_URL the broker lives in files (kombu's filesystem
# transport), so `make run` has a real background worker without any server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "config.file_broker:Transport"  # atomic message files
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = env.str(
        "CELERY_RESULT_BACKEND", default=f"file://{CELERY_BROKER_FOLDER / 'results'}"
    )
else:
    # Longer than the longest task, so acks_late redelivery never doubles a running job
    # (report runs do not wait for it: their lease and the sweep re-send them sooner).
    # Short socket timeouts: with the broker down a request waits about a second, not 20.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 4 * 60 * 60,
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
# Publishing a message gives up quickly when the broker is away: a report run's row is the
# job, and the sweep sends it later (docs/operations.md, "Jobs: leases and the sweep").
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2,
}
# A worker whose broker went away keeps trying to reconnect instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
# Celery keeps its hands off the root logger: the worker logs through LOGGING below
# (config.observability.tasks connects setup_logging too).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Queues by job kind (docs/scaling.md, "Queues by job kind"): the money-moving sweeps, the
# report runs and exports, and the notifications each have a queue, so a ten-minute export never
# delays an expiry. A worker started without -Q consumes every queue below (make run, the
# tests); production runs one worker per queue (deploy/systemd/vouchers-worker-*.service).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("money", "reports", "notifications", "default")]
CELERY_TASK_ROUTES = {
    "vouchers.ledger.tasks.void_expired_pending_transfers": {"queue": "money"},
    "vouchers.tasks.expire_due_vouchers": {"queue": "money"},
    "vouchers.tasks.lapse_due_orders": {"queue": "money"},
    "vouchers.tasks.execute_bulk_review": {"queue": "money"},
    "vouchers.tasks.recover_bulk_reviews": {"queue": "money"},
    "reporting.tasks.*": {"queue": "reports"},
    "vouchers.tasks.refresh_institution_record": {"queue": "reports"},
    "vouchers.tasks.refresh_institution_records": {"queue": "reports"},
    "accounts.tasks.send_notification_emails": {"queue": "notifications"},
    "vouchers.tasks.send_deadline_reminders": {"queue": "notifications"},
}
# Every periodic job, in one place. Each is idempotent, so a run that repeats or overlaps
# does no harm.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "conclude-due-notices": {
        "task": "accounts.tasks.conclude_due_notices",
        "schedule": 60 * 60,
    },
    "idempotency-purge": {
        "task": "accounts.tasks.purge_idempotency_keys",
        "schedule": 60 * 60,
    },
    # Notification e-mails whose after-commit message was lost (broker away) or that failed.
    "notifications-send-emails": {
        "task": "accounts.tasks.send_notification_emails",
        "schedule": env.float("NOTIFICATION_EMAIL_SWEEP_SECONDS", default=60.0),
    },
    # Every institution's record (信用与绩效) of this year and last, from the facts.
    "vouchers-refresh-records": {
        "task": "vouchers.tasks.refresh_institution_records",
        "schedule": crontab(hour=2, minute=0),  # Asia/Shanghai, before the nightly reports
    },
    # Reminders of use-by dates and redemption deadlines, once per record and threshold.
    "vouchers-send-reminders": {
        "task": "vouchers.tasks.send_deadline_reminders",
        "schedule": crontab(hour=9, minute=0),  # Asia/Shanghai, the start of the working day
    },
    # The spot-check programme: each program's closed periods drawn once (a unique row per
    # program and period; a re-run or a second beat draws nothing).
    "vouchers-draw-spot-checks": {
        "task": "vouchers.tasks.draw_due_spot_checks",
        "schedule": crontab(hour=1, minute=30),  # Asia/Shanghai, the night after a period
    },
    "ledger-void-expired-pending": {
        "task": "vouchers.ledger.tasks.void_expired_pending_transfers",
        "schedule": 5 * 60,
    },
    # Voucher life cycle (vouchers/tasks.py): vouchers expire before holds lapse.
    "vouchers-expire-due": {
        "task": "vouchers.tasks.expire_due_vouchers",
        "schedule": 60 * 60,
    },
    "vouchers-lapse-due-orders": {
        "task": "vouchers.tasks.lapse_due_orders",
        "schedule": 60 * 60,
    },
    # Reports (reporting/tasks.py): reconcile yesterday for each region and refresh this
    # year's annual totals. A run over unchanged data is found by its fingerprint, not redone.
    # Re-sends report runs with no live message or lease; fails them after the last attempt.
    "reporting-recover-runs": {
        "task": "reporting.tasks.recover_report_runs",
        "schedule": env.float("REPORT_RUN_SWEEP_SECONDS", default=60.0),
    },
    # Re-sends bulk reviews with no live message or lease (vouchers/services/bulk_reviews.py).
    "vouchers-recover-bulk-reviews": {
        "task": "vouchers.tasks.recover_bulk_reviews",
        "schedule": env.float("BULK_REVIEW_SWEEP_SECONDS", default=60.0),
    },
    "reporting-nightly": {
        "task": "reporting.tasks.schedule_nightly_reports",
        "schedule": crontab(hour=2, minute=30),  # Asia/Shanghai, after the day's payments
    },
}

# Idempotency keys (accounts/idempotency.py): a completed key is replayed for this many hours,
# then purged hourly; a claim left in flight (only by versions before claims joined the
# request's transaction) is taken over by a retry after this many seconds.
IDEMPOTENCY_RETENTION_HOURS = env.int("IDEMPOTENCY_RETENTION_HOURS", default=24)
IDEMPOTENCY_LEASE_SECONDS = env.int("IDEMPOTENCY_LEASE_SECONDS", default=30)

# Days an admitted institution stays in public notice (公示) before admission (Shanghai 2026: 7).
INSTITUTION_NOTICE_DAYS = env.int("INSTITUTION_NOTICE_DAYS", default=7)

# An order whose fee is above this many fen (default 10 million yuan, far above what a voucher
# service costs) needs a written justification, kept on the order and in its audit line; the
# hard maximum of every amount is accounts.amounts.MAX_AMOUNT_FEN (10⁹ yuan).
LARGE_FEE_THRESHOLD_FEN = env.int("LARGE_FEE_THRESHOLD_FEN", default=1_000_000_000)

# One JSON object per line, times in Asia/Shanghai with their offset (config.observability.logs).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_configuration(level=LOG_LEVEL, admins_mail=False)

# Error reporting. ADMINS receive 5xx reports by mail in production ("Name <a@b>, c@d").
ADMINS = parse_admins(env.str("DJANGO_ADMINS", default=""))
SERVER_EMAIL = env.str("DJANGO_SERVER_EMAIL", default="root@localhost")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default=SERVER_EMAIL)
EMAIL_SUBJECT_PREFIX = env.str("DJANGO_EMAIL_SUBJECT_PREFIX", default="[创新券] ")
# smtp://user:password@host:587/?tls=True, or consolemail:// (django-environ's EMAIL_URL).
# Without one (the embedded default) every mail is written as a file under var/mail/;
# production sends through smtp://localhost:25 unless EMAIL_URL says otherwise.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# The site's address, for the links in notification e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Sentry is started only when SENTRY_DSN is set (sentry-sdk; no personal data is sent).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development")
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
configure_sentry(
    dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

# Prometheus metrics at /metrics (config.observability.metrics): for a bearer METRICS_TOKEN,
# or for direct (not proxied) requests from these networks.
METRICS_ALLOWED_NETWORKS = env.list(
    "METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"]
)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# One folder shared by every gunicorn worker (and a Celery worker on the same host), emptied
# at boot; empty: each process reports only its own counters.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")

# Report runs (reporting/services/leases.py, recovery.py): a computing process holds a lease of
# this many seconds, renewed every quarter of it; the sweep re-sends a queued run whose message
# is older than REPORT_RUN_REDISPATCH_SECONDS, or a running one whose lease expired, and marks
# it failed once REPORT_RUN_MAX_ATTEMPTS executions have started without finishing.
REPORT_RUN_LEASE_SECONDS = env.float("REPORT_RUN_LEASE_SECONDS", default=120.0)
REPORT_RUN_REDISPATCH_SECONDS = env.float("REPORT_RUN_REDISPATCH_SECONDS", default=120.0)
REPORT_RUN_MAX_ATTEMPTS = env.int("REPORT_RUN_MAX_ATTEMPTS", default=3)
# Bulk reviews (vouchers/services/bulk_reviews.py) hold a lease the same way, renewed after
# each item; the sweep requeues a job whose lease expired, fails it after the last attempt.
BULK_REVIEW_LEASE_SECONDS = env.float("BULK_REVIEW_LEASE_SECONDS", default=120.0)
BULK_REVIEW_MAX_ATTEMPTS = env.int("BULK_REVIEW_MAX_ATTEMPTS", default=3)

# An approved redemption unpaid for longer than this is a reconciliation discrepancy.
RECONCILIATION_DUE_DAYS = env.int("RECONCILIATION_DUE_DAYS", default=30)
