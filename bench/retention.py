"""How long anonymisation takes on a generated data set (issue 16).

    DATABASE_URL=sqlite:///var/bench/retention-10000.sqlite3 DEBUG=true \\
        .venv/bin/python bench/retention.py

On a database made by `manage.py generate_data` (and `manage.py search_index rebuild`), it runs
the daily retention (`tickets.privacy.retention.apply_retention`) as if it were five years later, so
every closed question and every question never answered is due, then anonymises the questions
still left (open ones) with the same function in the same batches, and prints the figures.
It changes the database: build a fresh one for each run.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from search.models import SearchDocument  # noqa: E402
from tickets.models import Question  # noqa: E402
from tickets.privacy import anonymisation, retention  # noqa: E402


def main() -> None:
    total = Question.objects.count()
    indexed = SearchDocument.objects.filter(kind="question").count()
    print(f"{connection.vendor}: {total:,} questions, {indexed:,} search entries")
    later = timezone.now() + timedelta(days=5 * 365)

    started = time.monotonic()
    dry = retention.apply_retention(dry_run=True, now=later)
    print(
        f"dry run: {dry.questions:,} due, {dry.files:,} files in {time.monotonic() - started:.1f} s"
    )

    started = time.monotonic()
    summary = retention.apply_retention(now=later)
    seconds = time.monotonic() - started
    print(
        f"apply_retention: {summary.questions:,} questions ({summary.closed_first:,} closed first),"
        f" {summary.files:,} files, {summary.index_entries:,} index entries in {seconds:.1f} s"
        f" ({summary.questions / seconds:.0f} questions/s)"
    )

    rest = list(Question.objects.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    started = time.monotonic()
    done = 0
    for start in range(0, len(rest), retention.BATCH_SIZE):
        chunk = rest[start : start + retention.BATCH_SIZE]
        done += anonymisation.anonymise_questions(chunk, reason="admin", compact=False).questions
    anonymisation.compact_search_index()
    seconds_rest = time.monotonic() - started
    print(f"the other {done:,} questions (open): {seconds_rest:.1f} s")
    left = Question.objects.filter(anonymised_at__isnull=True).count()
    everything = seconds + seconds_rest
    print(
        f"total: {summary.questions + done:,} questions anonymised in {everything:.1f} s;"
        f" not anonymised: {left}; search entries left: "
        f"{SearchDocument.objects.filter(kind='question').count()}"
    )


if __name__ == "__main__":
    main()
