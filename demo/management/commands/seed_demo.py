from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backoffice import outbox
from demo import knowledge_base, platform, questions, social_map


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refuses to run with DEBUG=false unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is false.")

    def handle(self, *args, force=False, **options):
        # Demo data is indexed here and now, and mails nobody: no task is queued that a worker
        # started with another SECRET_KEY would have to drop (backoffice.outbox.inline).
        with outbox.inline(skip={outbox.MAIL}):
            self._seed(force)

    def _seed(self, force):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is false: this looks like production. Demo accounts share one known "
                "password; use --force only on a test installation."
            )
        self.stdout.write("Loading demo data…")
        summary = platform.seed_demo(settings.DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary['regions']} regions, {summary['municipalities']} municipalities, "
                f"{summary['organisations']} organisations, {len(summary['users'])} accounts"
            )
        )
        if settings.DEBUG:
            from backoffice.mfa import demo_secret

            self.stdout.write(
                "Two-step sign-in of the demo accounts (staff need it; DEBUG only): add the key "
                f"{demo_secret()} to an authenticator app (time-based, 6 digits), or run "
                "`.venv/bin/python manage.py demo_totp` for the current code."
            )
        # Then each app's demo data, in the order the apps are installed; the demo package may
        # import every app, and no app imports it.
        for label, module in (
            ("tickets", questions),
            ("knowledge", knowledge_base),
            ("directory", social_map),
        ):
            self.stdout.write(f"Demo data of {label}…")
            result = module.seed_demo(settings.DEMO_PASSWORD)
            self.stdout.write(self.style.SUCCESS(f"  {result}"))
