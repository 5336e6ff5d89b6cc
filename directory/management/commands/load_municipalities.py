from django.core.management.base import BaseCommand

from directory.municipalities import load_municipalities


class Command(BaseCommand):
    help = (
        "Create or complete every municipality of Flanders and Brussels with its postcodes and "
        "region (directory/data/municipalities.csv). Idempotent."
    )

    def handle(self, *args, **options):
        result = load_municipalities()
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} municipalities created, {result.updated} completed."
            )
        )
        if result.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.skipped)} skipped: no back-office region for their province "
                    "(DIRECTORY_PROVINCE_REGIONS): " + ", ".join(result.skipped[:20])
                )
            )
