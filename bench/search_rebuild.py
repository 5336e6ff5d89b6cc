"""Time `search_index rebuild` of the database backend on N generated questions.

    .venv/bin/python bench/search_rebuild.py [N]      (default 100000)

Builds a throw-away SQLite database in a temporary folder, bulk-creates N questions with a
short thread each, then rebuilds the question index and prints the time.
"""

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "verblijfskaart verlengen gezinshereniging echtgenote kinderen leefloon ocmw huurwaarborg "
    "groeipakket inburgering attest nationaliteit verklaring geboorteakte legalisatie apostille "
    "school inschrijving werk arbeidskaart ziekenfonds verhuis gemeente beroep termijn bijlage "
    "carte séjour regroupement familial renouvellement residence card family reunification"
).split()


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    folder = tempfile.mkdtemp(prefix="wegwijs-rebuild-")
    os.environ.update(
        DEBUG="true",
        VAR_DIR=folder,
        DATABASE_URL=f"sqlite:///{folder}/rebuild.sqlite3",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="backoffice.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from backoffice.models import LegalDomain, Region
    from tickets.models import Message, Question

    region = Region.objects.create(name="Bench", slug="bench")
    domains = list(LegalDomain.objects.all())
    rng = random.Random(7)
    started = time.monotonic()
    batch = 5000
    for start in range(0, total, batch):
        questions = Question.objects.bulk_create(
            [
                Question(
                    reference=f"WW-2026-{number:06d}",
                    legal_domain=rng.choice(domains),
                    region=region,
                    contact_language=rng.choice(["nl", "fr", "en", "ar", "uk"]),
                    subject=" ".join(rng.choices(WORDS, k=4)),
                    body=" ".join(rng.choices(WORDS, k=40)),
                )
                for number in range(start + 1, min(start + batch, total) + 1)
            ]
        )
        Message.objects.bulk_create(
            [
                Message(
                    question=question, author_kind="staff", body=" ".join(rng.choices(WORDS, k=30))
                )
                for question in questions
            ]
        )
    print(f"generated {total} questions in {time.monotonic() - started:.0f} s", flush=True)
    started = time.monotonic()
    call_command("search_index", "rebuild", kind=["question"])
    print(f"rebuild of {total} questions: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
