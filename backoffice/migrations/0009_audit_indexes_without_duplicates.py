"""The audit table keeps the indexes its queries use and drops those another index already
covers, as each index is one more write per event (the requester's follow-up page writes one):

- actor_id alone: audit_actor_idx (actor_id, time) begins with it;
- target_type_id alone: audit_target_idx (target_type_id, target_id, time) begins with it;
- action alone, and on PostgreSQL its LIKE twin (varchar_pattern_ops), which no query uses (the
  log's search is a case-insensitive contains): replaced by audit_action_idx (action, time),
  for the log's filter by action newest first and retention's count of recent anonymisations.

The indexes are dropped by name as the database reports them, not by AlterField, which on
SQLite would copy the whole table three times.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = ("actor_id", "target_type_id", "action")


def drop_single_column_indexes(apps, schema_editor):
    model = apps.get_model("backoffice", "AuditEvent")
    table = model._meta.db_table
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        if (
            info.get("index")
            and not info.get("primary_key")
            and not info.get("unique")
            and len(info["columns"]) == 1
            and info["columns"][0] in COLUMNS
        ):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_single_column_indexes(apps, schema_editor):
    model = apps.get_model("backoffice", "AuditEvent")
    for column in COLUMNS:
        field = next(f for f in model._meta.local_fields if f.column == column)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        like = getattr(schema_editor, "_create_like_index_sql", None)
        if column == "action" and like is not None:
            sql = like(model, field)
            if sql is not None:
                schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0008_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(max_length=64, verbose_name="action"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="target_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="target type",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, create_single_column_indexes),
            ],
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "-time"], name="audit_action_idx"),
        ),
    ]
