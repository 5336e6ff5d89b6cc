from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backoffice.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refuses to run with DEBUG=false unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is false.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is false: this looks like production. Demo accounts share one known "
                "password; use --force only on a test installation."
            )
        self.stdout.write("Loading demo data…")
        summary = seed_demo(settings.DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary['regions']} regions, {summary['municipalities']} municipalities, "
                f"{summary['organisations']} organisations, {len(summary['users'])} accounts"
            )
        )
