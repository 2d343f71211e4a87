"""The environment of a subprocess on the production settings, apart from this test run's."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 64 + "-production-secret-for-the-tests"
IDENTITY = "y" * 64 + "-identity-key-for-the-tests"


def production_environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings on SQLite in `var_dir`; every project variable of the caller dropped."""
    inherited = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "DJANGO_", "PYTEST", "VOUCHERS_"))
        and key != "IDENTITY_KEY_SECRET"
    }
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "IDENTITY_KEY_SECRET": IDENTITY,
        "DJANGO_ALLOWED_HOSTS": "vouchers.example.cn",
        "VOUCHERS_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    } | extra
