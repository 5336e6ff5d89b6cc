"""The database backend's copy of every searchable object, indexed by Wagtail's search framework
(modelsearch: SQLite FTS5 or PostgreSQL full text). One row per object of a registered kind; the
facet values sit in their own table so counts are plain aggregate queries."""

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

    # Indexed by our own tasks (search.tasks), not by modelsearch's signal handlers.
    search_auto_update = False
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("folded_text"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("language"),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [models.Index(fields=["kind", "date"], name="search_document_kind_date")]
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


# The log of public searches (searches with no result) lives in its own module.
from search.querylog import SearchQuery  # noqa: E402,F401
