"""Which settings the server and worker entry points use when DJANGO_SETTINGS_MODULE is unset.

The development settings stay the default, so `make run` needs no environment; but a server
or worker that falls back to them says so on stderr, and with VOUCHERS_ENV=production (set in
the production environment file) it refuses to start instead (ImproperlyConfigured).
manage.py applies the same rule without the warning (its own copy: importing this package
starts the Celery app).
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SETTINGS = "config.settings.base"


def production_switch_is_on() -> bool:
    """VOUCHERS_ENV=production: this machine runs the real service."""
    return os.environ.get("VOUCHERS_ENV", "").strip().lower() == "production"


def settings_module_default() -> None:
    """Keep an explicit DJANGO_SETTINGS_MODULE; else refuse (production) or warn and default."""
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return
    # The first import decides (config/__init__ loads the Celery app): name the program.
    entry_point = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    if production_switch_is_on():
        # An exception, not SystemExit: gunicorn then stops ("Worker failed to boot") instead
        # of starting new workers that exit again.
        raise ImproperlyConfigured(
            f"{entry_point}: VOUCHERS_ENV=production but DJANGO_SETTINGS_MODULE is not set; "
            "refusing to start on the development settings "
            "(set DJANGO_SETTINGS_MODULE=config.settings.production)"
        )
    print(  # before logging is configured: one line on stderr
        f"WARNING: {entry_point} is running the development settings ({DEVELOPMENT_SETTINGS}: "
        "embedded secret key, no HTTPS); set DJANGO_SETTINGS_MODULE for anything but development",
        file=sys.stderr,
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = DEVELOPMENT_SETTINGS
