"""Without DJANGO_SETTINGS_MODULE the servers and the worker say they run the development
settings, and refuse to when the machine says it runs production (VOUCHERS_ENV)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WARNING = "is running the development settings (config.settings.base"


def run(code_or_manage: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "VOUCHERS_ENV"}
    }
    environment |= {"PYTHONPATH": str(ROOT), "VOUCHERS_VAR_DIR": str(tmp_path), **extra}
    return subprocess.run(  # noqa: S603 - this interpreter, our own modules
        [sys.executable, *code_or_manage], cwd=ROOT, env=environment, capture_output=True,
        text=True, check=False, timeout=120,
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"])
def test_a_server_or_worker_on_the_default_settings_warns_once_on_stderr(module, tmp_path):
    result = run(["-c", f"import {module}"], tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if WARNING in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("WARNING: -c is running the development settings")


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi", "config.celery"])
def test_a_server_or_worker_refuses_the_default_settings_in_production(module, tmp_path):
    result = run(["-c", f"import {module}"], tmp_path, VOUCHERS_ENV="production")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        "django.core.exceptions.ImproperlyConfigured: -c: VOUCHERS_ENV=production but "
        "DJANGO_SETTINGS_MODULE is not set; refusing to start on the development settings"
    )


def test_an_explicit_settings_module_starts_quietly_even_in_production(tmp_path):
    result = run(["-c", "import config.wsgi"], tmp_path, VOUCHERS_ENV="production",
                 DJANGO_SETTINGS_MODULE="config.settings.test")
    assert result.returncode == 0, result.stderr
    assert WARNING not in result.stderr


def test_manage_py_stays_quiet_on_the_default_settings_but_refuses_them_in_production(
    tmp_path,
):
    quiet = run(["manage.py", "check"], tmp_path)
    refused = run(["manage.py", "check"], tmp_path, VOUCHERS_ENV="production")
    assert (quiet.returncode, WARNING in quiet.stderr) == (0, False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "manage.py: VOUCHERS_ENV=production but DJANGO_SETTINGS_MODULE is not set; "
        "refusing to run on the development settings"
    )
