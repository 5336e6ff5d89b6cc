"""The table of the rate-limit cache (settings.RATE_LIMIT_CACHE, a DatabaseCache without
REDIS_URL), so that `migrate` alone prepares a database; `createcachetable` does the same."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0006_userprofile_session_generation")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
