"""Seed the fixed life-situation keys (labels are translated in code, knowledge/situations.py)."""

from django.db import migrations

KEYS = [
    "arrival",
    "residence-papers",
    "family",
    "moving",
    "money",
    "health",
    "work",
    "school",
    "housing",
    "nationality",
]


def seed(apps, schema_editor):
    LifeSituation = apps.get_model("knowledge", "LifeSituation")
    for order, key in enumerate(KEYS):
        LifeSituation.objects.update_or_create(key=key, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_article_pages")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
