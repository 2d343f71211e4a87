"""Settings of the fault tests' worker and command processes: production's base settings plus
one test-only app (tests/faults/hooks.py) that can slow a report run down or crash its
process, as the environment asks. Nothing here is read by production code."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.faults.hooks.FaultHooksConfig"]  # noqa: F405
