"""Specialists and coordinators may see and work on questions (backoffice.roles lists them)."""

from django.db import migrations

from backoffice.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_intake_token_and_sign_in_links"),
        ("backoffice", "0004_organisation_shares_consults"),
    ]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
