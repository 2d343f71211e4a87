"""Production: the base settings, tightened.

Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and IDENTITY_KEY_SECRET; keeps its files under
VOUCHERS_VAR_DIR (/var/lib/vouchers), outside the checkout. docs/operations.md lists every
variable ("Configuration reference").
"""

from __future__ import annotations

from pathlib import Path

from config.loopback import require_loopback_hosts
from config.settings.base import *  # noqa: F403

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # noqa: F405 - no default: refuse to start without one
# Never derived from SECRET_KEY here: that key rotates, and this one must not (controllers'
# ID hashes would stop matching and their companies stop being grouped).
IDENTITY_KEY_SECRET = env.str("IDENTITY_KEY_SECRET")  # noqa: F405 - no default
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")  # noqa: F405
DEBUG = False
# No demo data or simulated years in production: their commands do not exist there.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "devtools"]  # noqa: F405

# Files live outside the checkout, so a new release's tree replaces the old one whole.
VAR_DIR = Path(env.str("VOUCHERS_VAR_DIR", default="/var/lib/vouchers"))  # noqa: F405
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))  # noqa: F405
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))  # noqa: F405
# Mail goes to the local relay unless EMAIL_URL names another (never to files here).
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))  # noqa: F405
# `celery beat` reads this unless given --schedule.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)  # noqa: F405
# Probes and the metrics scraper talk plain HTTP to gunicorn on loopback.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
# The proxy overwrites X-Forwarded-Proto on every request (deploy/nginx/vouchers.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# gunicorn listens on 127.0.0.1 only, so X-Forwarded-For always comes from that proxy.
TRUST_X_FORWARDED_FOR = env.bool("DJANGO_TRUST_X_FORWARDED_FOR", default=True)  # noqa: F405
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if env.bool("DJANGO_INSECURE_LOOPBACK_HTTP", default=False):  # noqa: F405
    # Trying the production settings without TLS on this machine only: no redirect to https,
    # cookies sent over http, no HSTS. Refused for any host that is not loopback.
    require_loopback_hosts(ALLOWED_HOSTS)
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_HSTS_PRELOAD = False
# In production a connection the database dropped (restart, failover) is checked before
# each request's first query rather than failing that request: one round trip, for no 500s.
for _database in DATABASES.values():  # noqa: F405 (the replica and direct aliases too)
    _database["CONN_HEALTH_CHECKS"] = env.bool(  # noqa: F405
        "DATABASE_CONN_HEALTH_CHECKS", default=True
    )

# 5xx reports by mail to ADMINS (DJANGO_ADMINS), besides the log line.
LOGGING = logging_configuration(level=LOG_LEVEL, admins_mail=True)  # noqa: F405
