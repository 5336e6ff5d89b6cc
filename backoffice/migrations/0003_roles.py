"""Create the groups professional, specialist, editor and coordinator with their permissions.

The permissions themselves are listed once, in backoffice.roles.ROLE_PERMISSIONS.
"""

from django.db import migrations

from backoffice.roles import sync_roles


def create_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0002_legal_domains"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
