"""The database backend's copy of every searchable object, indexed by Wagtail's search framework
(modelsearch: SQLite FTS5 or PostgreSQL full text). One row per object of a registered kind; the
facet values sit in their own table so counts are plain aggregate queries."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelsearch import index

from search.text import fold


class SearchDocument(index.Indexed, models.Model):
    kind = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    language = models.CharField(max_length=12, blank=True)
    display_title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)
    # The same article in other languages shares its group (Wagtail's translation key); empty
    # when the kind has no translations.
    group = models.CharField(max_length=64, blank=True, default="")
    # Words per field, for the BM25 length normalisation of ranked kinds (search.ranking).
    title_length = models.PositiveIntegerField(default=0)
    meta_length = models.PositiveIntegerField(default=0)
    body_length = models.PositiveIntegerField(default=0)
    # The facet values as index words (search.text.facet_words): the database backend matches a
    # user's scope (regions, legal domains) inside the full-text query (DatabaseBackend.matching_q).
    facet_terms = models.TextField(blank=True, default="")

    # Indexed by our own tasks (search.tasks), not by modelsearch's signal handlers.
    search_auto_update = False
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("folded_text"),
        index.SearchField("facet_terms"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("language"),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [
            models.Index(fields=["kind", "date"], name="search_document_kind_date"),
            models.Index(fields=["kind", "language", "group"], name="search_document_group"),
        ]
        default_permissions = ()
        permissions = [
            ("view_recurring", _("Can see recurring questions without an article")),
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"

    # modelsearch indexes the field named "title" as the title: we give it folded text.
    @property
    def title(self):
        return fold(self.display_title)

    def folded_text(self):
        return fold(self.text)


class SearchFacet(models.Model):
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=40)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["name", "value"], name="search_facet_name_value")]
        default_permissions = ()

    def __str__(self):
        return f"{self.name}={self.value}"


class SearchPosting(models.Model):
    """One term of one document of a ranked kind (articles), analysed in the document's language
    (search.analysis): how often it occurs in the title, the summary and tags, the body. The
    same rows on SQLite and PostgreSQL, so both rank alike."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="postings")
    kind = models.CharField(max_length=40)
    language = models.CharField(max_length=12, blank=True)
    term = models.CharField(max_length=64)
    # The word as written most often in this document (what "did you mean" shows).
    word = models.CharField(max_length=64)
    title_tf = models.PositiveSmallIntegerField(default=0)
    meta_tf = models.PositiveSmallIntegerField(default=0)
    body_tf = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "language", "term"], name="search_posting_term"),
        ]
        default_permissions = ()

    def __str__(self):
        return f"{self.language}:{self.term}"


class SynonymGroup(models.Model):
    """Words that mean the same to the people who search, in one language: editors keep them
    (Admin → Synonyms) and every backend applies them when a query is made."""

    language = models.CharField(_("language"), max_length=12, choices=settings.LANGUAGES)
    terms = models.TextField(
        _("words and phrases"),
        help_text=_(
            "Comma-separated, e.g. “werkvergunning, arbeidskaart, single permit”. A search for "
            "any of them also finds the others."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "terms"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonyms")

    def __str__(self):
        return f"{self.language}: {self.terms}"

    def phrases(self) -> list[str]:
        return split_phrases(self.terms)

    def clean(self):
        if len(split_phrases(self.terms)) < 2:
            raise ValidationError(
                {"terms": _("Give at least two words or phrases, separated by commas.")}
            )


def split_phrases(text: str) -> list[str]:
    parts = re.split(r"[,;\n↔|،]+", text or "")
    return list(dict.fromkeys(" ".join(part.split()) for part in parts if part.strip()))


# The log of public searches (searches with no result) lives in its own module.
from search.querylog import SearchQuery  # noqa: E402,F401
