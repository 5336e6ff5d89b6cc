"""Specialists export documents and hand questions over; coordinators keep the letterheads
(backoffice.roles lists them)."""

from django.db import migrations

from backoffice.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_documents_letterheads_handovers")]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
