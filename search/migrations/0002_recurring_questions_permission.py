"""Editors, specialists and coordinators may see recurring questions without an article
(backoffice.roles lists them)."""

from django.db import migrations

from backoffice.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_documents"),
        ("tickets", "0003_staff_question_permissions"),
    ]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
