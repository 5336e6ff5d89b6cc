"""PostgreSQL: a covering index of the questions' key for the staff search.

The staff search (the queue's search box) joins every full-text match of the user's scope to
its question, by key, to test the scope's rule and sort the matches in the listing's order
(1,607 matches of "gezinshereniging" in one region of 100,000 questions): each one was a visit
of the question's row. With the region, legal domain, status and the queue order's dates in the
index itself, those are index-only scans (VACUUMed tables: the data set's, autovacuum's).
SQLite finds a row by its integer key in the table's own b-tree (the rowid) already: nothing
to add there.
"""

from django.db import migrations

KEY_INDEX = "question_key_covering_idx"


def create_key_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {KEY_INDEX} ON tickets_question (id) "
            "INCLUDE (region_id, legal_domain_id, status, legal_deadline, answer_due)"
        )


def drop_key_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {KEY_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0017_question_queue_order_indexes"),
    ]

    operations = [
        migrations.RunPython(create_key_index, drop_key_index),
    ]
