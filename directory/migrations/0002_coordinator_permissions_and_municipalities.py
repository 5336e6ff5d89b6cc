"""Coordinators keep the directory (backoffice.roles), and existing databases get the complete
list of municipalities of Flanders and Brussels (directory/data/municipalities.csv).

The municipalities are loaded only where back-office regions exist already (a fresh database has
none at this point; `seed_demo` and `manage.py load_municipalities` load them there)."""

from django.db import migrations

from backoffice.roles import sync_roles
from directory.municipalities import load_municipalities


def forwards(apps, schema_editor):
    # Wagtail creates the "publish" permission of a snippet with drafts after migrating; the
    # coordinators' role needs it now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="directory", model="service"
    )
    Permission.objects.get_or_create(
        content_type=content_type,
        codename="publish_service",
        defaults={"name": "Can publish local service"},
    )
    sync_roles(apps)
    if apps.get_model("backoffice", "Region").objects.exists():
        load_municipalities(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_services_and_municipality_facts"),
        ("backoffice", "0003_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
