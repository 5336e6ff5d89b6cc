"""Serve the site and one background worker together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.platform import USERS


class Command(BaseCommand):
    help = "Run the web server on 127.0.0.1:8000 and a django-q2 worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # Each child leads its own process group, so stopping also reaches runserver's
        # auto-reloader child and the worker's pool, whatever the terminal does with Ctrl-C.
        processes = [
            subprocess.Popen([*manage, "qcluster"], start_new_session=True),  # noqa: S603
            subprocess.Popen([*manage, "runserver", addr], start_new_session=True),  # noqa: S603
        ]
        self.stdout.write(self.style.SUCCESS(f"\nWegwijs runs on http://{addr}/nl/"))
        self.stdout.write(f"Staff admin: http://{addr}/admin/   Health: http://{addr}/health/")
        self.stdout.write(
            f"Demo accounts (password {settings.DEMO_PASSWORD!r}): {', '.join(sorted(USERS))}"
        )
        if settings.DEBUG:
            from backoffice.mfa import demo_secret

            self.stdout.write(
                f"Two-step sign-in (staff): authenticator key {demo_secret()}, or the code "
                "of `.venv/bin/python manage.py demo_totp`."
            )
        self.stdout.write("Press Ctrl-C to stop the web server and the worker.\n")

        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for process in processes:
                _signal_group(process, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)
        self.stdout.write("Stopped.")


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
