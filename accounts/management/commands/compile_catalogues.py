"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so no system gettext is needed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the project's message catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args, **options) -> None:
        compiled = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue = polib.pofile(str(po_path))
                # GNU msgfmt refuses a message defined twice; polib would keep one silently,
                # and the English of one page would change with the other's.
                definitions = Counter((entry.msgctxt or "", entry.msgid) for entry in catalogue)
                twice = sorted(key for key, count in definitions.items() if count > 1)
                if twice:
                    raise CommandError(f"{po_path}: defined twice: {twice}")
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
