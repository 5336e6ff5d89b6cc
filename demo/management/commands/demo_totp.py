from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backoffice import mfa


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of the demo accounts (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG is false: this looks like production. The demo authenticator exists "
                "only in development."
            )
        self.stdout.write(mfa.demo_code())
        self.stderr.write(f"(key {mfa.demo_secret()}; codes change every 30 seconds)")
