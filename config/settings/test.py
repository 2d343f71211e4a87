"""Test settings: fast hashing, eager Celery, throwaway folders."""

from __future__ import annotations

import os
import tempfile

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Eager unless a test run asks for the real worker (CI's Redis run sets this to false).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # noqa: F405
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = tempfile.mkdtemp(prefix="vouchers-test-media-")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory, so threaded tests get real separate connections.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One process (or, on CI's second run, Redis): the token cache is safe, and tested, in both.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60)  # noqa: F405

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"write": "100000/min", "auth": "100000/min"},
}

if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    # The live-worker tests get their own broker folders, apart from `make run`'s.
    _broker = tempfile.mkdtemp(prefix="vouchers-test-broker-")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _broker,
        "data_folder_out": _broker,
        "control_folder": tempfile.mkdtemp(prefix="vouchers-test-control-"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{tempfile.mkdtemp(prefix='vouchers-test-results-')}"

# A configured replica or direct connection is a TEST MIRROR of the default in the tests: the
# same test database, read through its own connection (tests/conftest.py points the mirrors'
# own settings at the test database once it exists, for threads). The replica reads through
# the default's own server: on a real replica the test database would lag behind.
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
if "direct" in DATABASES:  # noqa: F405
    DATABASES["direct"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
