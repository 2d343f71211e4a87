"""Settings name the embedded default's folders; Django's start makes them (config.folders)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.folders import ensure_local_folders, local_folders

ROOT = Path(__file__).resolve().parents[2]


def _clean_environment(**extra: str) -> dict[str, str]:
    # The embedded default, whatever this test run was pointed at.
    dropped = {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
               "DJANGO_STATIC_ROOT", "DJANGO_MEDIA_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in dropped} | extra


def test_importing_the_production_settings_creates_no_folder(tmp_path):
    var = tmp_path / "not-yet"
    environment = _clean_environment(
        VOUCHERS_VAR_DIR=str(var),
        DJANGO_SECRET_KEY="x" * 64 + "-production-secret-for-the-check",
        IDENTITY_KEY_SECRET="y" * 64,
        DJANGO_ALLOWED_HOSTS="vouchers.example.cn",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not var.exists()
    assert list(tmp_path.iterdir()) == []


def test_starting_django_makes_the_embedded_defaults_folders(tmp_path):
    var = tmp_path / "fresh"
    environment = _clean_environment(
        VOUCHERS_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings.base"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(str(p.relative_to(var)) for p in var.rglob("*")) == [
        "broker", "broker/control", "broker/processed", "broker/queue", "broker/results",
        "static",
    ]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_server_configuration_needs_only_the_static_root(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}}
    settings.CELERY_BROKER_URL = "redis://localhost:6379/0"
    settings.CELERY_RESULT_BACKEND = "redis://localhost:6379/0"
    assert local_folders() == [tmp_path / "static"]
    ensure_local_folders()
    assert [p.name for p in tmp_path.iterdir()] == ["static"]
