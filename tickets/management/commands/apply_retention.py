import time

from django.core.management.base import BaseCommand, CommandError

from tickets.privacy import retention


def _size(amount: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return str(amount)


class Command(BaseCommand):
    help = (
        "Anonymise every question whose retention period is over (the policy coordinators set "
        "in the admin), skipping questions on legal hold. Safe to run again: done questions "
        "are not touched twice, and a run that stopped half-way is finished by the next one. "
        "The same work runs daily in the background worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be anonymised (questions, files, bytes, index entries); "
            "change nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=retention.BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        current = retention.policy()
        self.stdout.write(
            f"Policy: closed questions after {current.closed_months} months, questions never "
            f"answered after {current.unanswered_months} months without contact."
        )
        started = time.monotonic()

        def progress(done, total):
            if not options["no_progress"]:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {done}/{total} questions ({rate:.0f}/s)")

        summary = retention.apply_retention(
            dry_run=options["dry_run"], batch_size=options["batch_size"], progress=progress
        )
        elapsed = time.monotonic() - started
        verb = "Would anonymise" if summary.dry_run else "Anonymised"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {summary.questions} questions: {summary.files} files "
                f"({_size(summary.bytes)}), {summary.index_entries} search index entries."
            )
        )
        self.stdout.write(f"Skipped on legal hold: {summary.skipped_on_hold}.")
        if not summary.dry_run:
            self.stdout.write(
                f"Closed first (never answered, no contact): {summary.closed_first}. "
                f"Orphan files removed: {summary.orphan_files} ({_size(summary.orphan_bytes)}). "
                f"{summary.batches} batches in {elapsed:.1f} s."
            )
