from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.importing import import_directory


class Command(BaseCommand):
    help = (
        "Import knowledge base articles from Markdown files (DIR/<language>/<slug>.md, see "
        "docs/article-format.md). Idempotent: changed files update their article, nothing is "
        "duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        report = import_directory(directory, progress=self.stdout.write)
        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        if report.errors:
            raise CommandError(f"Import finished with errors: {report}")
        self.stdout.write(self.style.SUCCESS(f"Import finished: {report}"))
