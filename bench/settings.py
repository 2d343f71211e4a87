"""Bench-only settings: the base settings plus a urlconf with a bare JSON view (the floor)."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
