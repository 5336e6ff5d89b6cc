"""Does "I lost my code" answer faster when the address does not match a question?

Issue 14 (finding 7) measured about 6 ms more when it matched: the request queued the mail only
then. This script times the real view (Django's test client, a throwaway database, the task
queue as in production: django-q2's ORM broker, not run inline) with the matching address and
with an unknown one, interleaved in random order, and prints the medians.

    .venv/bin/python bench/lost_code_timing.py [--rounds 60]
    DATABASE_URL=postgres://... .venv/bin/python bench/lost_code_timing.py

Each request comes from its own client address, so the rate limit (5 an hour) does not bite.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ["TASKS_SYNC"] = "false"  # the queue as in production
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="wegwijs-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

URL = "/en/follow-up/lost-code/"
ADDRESS = "amal@example.org"


def make_question():
    from backoffice.models import LegalDomain, Municipality, Region
    from tickets import lifecycle

    region = Region.objects.create(name="Gent", slug="gent")
    place = Municipality.objects.create(name="Gent", postcode="9000", region=region)
    return lifecycle.create_question(
        legal_domain=LegalDomain.objects.get(slug="residence"),
        subject="Verblijfskaart",
        body="Mijn kaart vervalt.",
        contact_language="en",
        processing_consent=True,
        municipality=place,
        email=ADDRESS,
    ).question


def timed(number: int, reference: str, email: str) -> float:
    client = Client(REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}")
    started = time.perf_counter()
    response = client.post(URL, {"reference": reference, "email": email})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60, help="requests each way (>= 45)")
    parser.add_argument("--warm-up", type=int, default=10)
    arguments = parser.parse_args()

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        from django.db import connection

        reference = make_question().reference
        cases = {"matching": (reference, ADDRESS), "unknown": (reference, "nobody@example.org")}
        times = {name: [] for name in cases}
        number = 0
        for round_number in range(arguments.warm_up + arguments.rounds):
            order = list(cases)
            random.shuffle(order)
            for name in order:
                number += 1
                elapsed = timed(number, *cases[name])
                if round_number >= arguments.warm_up:
                    times[name].append(elapsed)
        print(f"database: {connection.vendor}; {arguments.rounds} requests each way")
        for name, values in times.items():
            quartiles = statistics.quantiles(values, n=4)
            print(
                f"{name:>9}: median {statistics.median(values):6.2f} ms "
                f"(quartiles {quartiles[0]:.2f}–{quartiles[2]:.2f} ms)"
            )
        difference = statistics.median(times["matching"]) - statistics.median(times["unknown"])
        print(f"difference of the medians: {difference:+.2f} ms")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
