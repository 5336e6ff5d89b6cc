from pathlib import Path

from django.core.management.base import BaseCommand

from directory import importing


class Command(BaseCommand):
    help = "Export every local service to a CSV or XLSX file (by the file's extension)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        target = Path(path)
        if target.suffix.lower() == ".xlsx":
            target.write_bytes(importing.export_xlsx())
        else:
            target.write_bytes(importing.export_csv())
        self.stdout.write(self.style.SUCCESS(f"Written {target}"))
