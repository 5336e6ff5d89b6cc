"""Compile the project's .po catalogues to .mo in pure Python (no GNU gettext needed)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

APPS = ("backoffice", "tickets", "knowledge", "search")


class Command(BaseCommand):
    help = "Compile the .po files of our apps to .mo files (works without GNU gettext)."

    def handle(self, *args, **options):
        compiled = 0
        for app in APPS:
            for po_path in sorted(
                Path(settings.BASE_DIR, app, "locale").glob("*/LC_MESSAGES/*.po")
            ):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(self.style.SUCCESS(f"{compiled} catalogue(s) compiled"))
