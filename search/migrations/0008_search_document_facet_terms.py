"""Facet values as words of the full-text index, so that a scope is part of the match.

The staff search (the queue's search box) looked up every match of a word (5,800 of 100,000
questions for "gezinshereniging") in a list of the user's allowed ids. SearchDocument now keeps
its facet values (region, legal domain, status...) as index words (search.text.facet_words), and
DatabaseBackend.matching_q adds the user's scope to the full-text query: FTS5 or the GIN index on
title || body intersects the word and the scope, and only the scope's matches go further.

PostgreSQL also gets a covering index of the documents' key (kind and object id read from
the index alone). Existing rows: `facet_terms` is filled from their facet rows, and the same
words are appended to their index entries' body, as modelsearch would index them (a later
`search_index rebuild` writes the same thing).
"""

from collections import defaultdict

from django.db import migrations, models

from search.text import facet_words

CHUNK = 2000


def fill(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")  # noqa: N806
    SearchFacet = apps.get_model("search", "SearchFacet")  # noqa: N806
    db = schema_editor.connection.alias
    pks = list(SearchDocument.objects.using(db).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        facets = defaultdict(dict)
        rows = (
            SearchFacet.objects.using(db)
            .filter(document_id__in=chunk)
            .exclude(name="language")  # a column of its own, not an entry facet
            .order_by("pk")
            .values_list("document_id", "name", "value")
        )
        for document_id, name, value in rows:
            facets[document_id].setdefault(name, []).append(value)
        SearchDocument.objects.using(db).bulk_update(
            [SearchDocument(pk=pk, facet_terms=facet_words(facets.get(pk, {}))) for pk in chunk],
            ["facet_terms"],
        )
    _append_to_index(apps, schema_editor)


def _append_to_index(apps, schema_editor):
    """The body of each index entry gains the facet words, as modelsearch writes a new one (the
    body fields joined by a space on SQLite; the tsvectors concatenated on PostgreSQL)."""
    ContentType = apps.get_model("contenttypes", "ContentType")  # noqa: N806
    connection = schema_editor.connection
    content_type = (
        ContentType.objects.using(connection.alias)
        .filter(app_label="search", model="searchdocument")
        .first()
    )
    tables = connection.introspection.table_names()
    if content_type is None or "wagtailsearch_indexentry" not in tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "UPDATE wagtailsearch_indexentry "
                "SET body = COALESCE(body, '') || ' ' || d.facet_terms "
                "FROM search_searchdocument d WHERE wagtailsearch_indexentry.content_type_id = %s "
                "AND d.id = CAST(wagtailsearch_indexentry.object_id AS integer) "
                "AND d.facet_terms <> ''",
                [content_type.pk],
            )
        elif connection.vendor == "postgresql":
            from modelsearch.backends import get_search_backend
            from modelsearch.backends.database.postgres.weights import get_weight

            config = getattr(get_search_backend("default"), "config", None)
            vector = (
                "to_tsvector(%s::regconfig, d.facet_terms)"
                if config
                else "to_tsvector(d.facet_terms)"
            )
            cursor.execute(
                f"UPDATE wagtailsearch_indexentry e SET body = e.body || setweight({vector}, %s) "
                "FROM search_searchdocument d WHERE e.content_type_id = %s "
                "AND e.object_id = d.id::text AND d.facet_terms <> ''",
                [*([config] if config else []), get_weight(1.0), content_type.pk],
            )


KEY_INDEX = "search_document_key"


def create_key_index(apps, schema_editor):
    """PostgreSQL: each full-text match's kind and object id read from an index alone (an
    index-only scan instead of a visit of the document's row, with its text). SQLite reads
    them from the row it finds by its integer key, which the rowid already is."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {KEY_INDEX} ON search_searchdocument (id) "
            "INCLUDE (kind, object_id)"
        )


def drop_key_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {KEY_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_search_query_log"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="facet_terms",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_key_index, drop_key_index),
    ]
