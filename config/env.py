"""Reads the environment once; settings modules import `env` and `BASE_DIR` from here."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional; the environment always wins over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Files the embedded default keeps beside the project: SQLite, the broker's folders, uploads.
# Only named here; config.folders makes the ones in use when Django starts.
VAR_DIR = Path(env.str("VOUCHERS_VAR_DIR", default=str(BASE_DIR / "var")))
