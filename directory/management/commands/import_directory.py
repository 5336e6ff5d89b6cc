from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory import importing


class Command(BaseCommand):
    help = (
        "Import local services from a CSV or XLSX file (columns of export_directory). Dry run "
        "unless --write; nothing is written while any row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--write", action="store_true", help="Write (default: dry run).")
        parser.add_argument(
            "--user", help="Import as this coordinator (their regions only, named in revisions)."
        )

    def handle(self, path, write=False, user=None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user {user!r}.")
        try:
            rows = importing.read_table(Path(path).read_bytes(), path)
        except (OSError, importing.ImportError_) as error:
            raise CommandError(str(error)) from error
        result = importing.import_services(rows, user=account, dry_run=not write)
        for row in result.errors:
            for error in row.errors:
                self.stdout.write(f"line {row.line} ({row.key}): {error}")
        summary = (
            f"new {result.count('create')}, changed {result.count('update')}, "
            f"unchanged {result.count('unchanged')}, rows with errors {len(result.errors)}"
        )
        if result.errors:
            raise CommandError("Nothing imported. " + summary)
        prefix = "Imported: " if result.written else "Dry run (use --write): "
        self.stdout.write(self.style.SUCCESS(prefix + summary))
