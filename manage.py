#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # config.entrypoints' rule, quietly: commands (runserver, migrate) may use the development
    # settings without a warning, but not on a machine that says it runs production.
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        if os.environ.get("VOUCHERS_ENV", "").strip().lower() == "production":
            sys.exit(
                "manage.py: VOUCHERS_ENV=production but DJANGO_SETTINGS_MODULE is not set; "
                "refusing to run on the development settings"
            )
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
