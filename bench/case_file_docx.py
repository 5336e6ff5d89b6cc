"""How long does a case file of a 200-message question take to make (python-docx)?

Run: `.venv/bin/python bench/case_file_docx.py [--messages 200] [--runs 5]`. It migrates a fresh
SQLite database in a temporary folder, creates one question with the messages (staff answers
in Markdown with headings, lists and links; requester replies; some internal notes), then
times tickets.documents.builders.case_file and prints the median and every run.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ANSWER = (
    "## Wat u nu doet\n\nU moet **binnen 30 dagen** *beroep* aantekenen bij de "
    "[Raad voor Vreemdelingenbetwistingen](https://www.rvv-cce.be/).\n\n"
    "1. Verzamel de brief en uw verblijfskaart.\n"
    "2. Lees [ons artikel](/nl/kennisbank/beroep/).\n"
    "3. Maak een afspraak met een advocaat.\n\n"
    "- Vraag een tolk als u dat nodig hebt.\n- Bewaar alle brieven.\n"
)
REPLY = "Dank u. Ik heb de brief van de gemeente nog niet gekregen. Wat moet ik nu doen?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="wegwijs-bench-docx-")
    os.environ.update(
        {"VAR_DIR": workdir, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "backoffice.settings"}
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from backoffice.models import LegalDomain, Region
    from tickets import lifecycle
    from tickets.documents import builders
    from tickets.models import Message

    region = Region.objects.create(name="Bench", slug="bench", address="Straat 1\n1000 Brussel")
    question = lifecycle.create_question(
        legal_domain=LegalDomain.objects.get(slug="residence"),
        subject="Bevel om het grondgebied te verlaten",
        body="Ik kreeg een bijlage 13quinquies. Wat nu?",
        contact_language="nl",
        processing_consent=True,
        region=region,
    ).question
    rows = []
    for number in range(args.messages):
        kind, author, body = (
            ("internal", "staff", "Interne notitie: termijn nagaan.")
            if number % 10 == 9
            else ("public", "staff", ANSWER)
            if number % 2 == 0
            else ("public", "requester", REPLY)
        )
        rows.append(
            Message(question=question, kind=kind, author_kind=author, body=body, body_html="")
        )
    Message.objects.bulk_create(rows)

    timings, size = [], 0
    for _ in range(args.runs):
        start = time.perf_counter()
        content = builders.case_file(question, language="nl", include_internal=True)  # noqa
        timings.append(time.perf_counter() - start)
        size = len(content)
    print(
        f"case file, {args.messages} messages, {size / 1024:.0f} KiB: "
        f"median {statistics.median(timings):.2f} s over {args.runs} runs "
        f"({', '.join(f'{t:.2f}' for t in timings)})"
    )


if __name__ == "__main__":
    main()
