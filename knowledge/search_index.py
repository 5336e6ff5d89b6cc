"""What the search service indexes of the knowledge base, and who may find it.

Only live articles are indexed (saving a draft re-indexes the live version, unpublishing or
deleting removes it). Who may read an article is THE audience rule,
knowledge.audiences.readable_audiences(user), given to every backend as terms on the
`audience` facet, so it is applied inside the query.
"""

import time

from django.db.models import Prefetch
from wagtail.signals import page_published, page_unpublished

from backoffice.models import LegalDomain
from knowledge.audiences import readable_audiences
from knowledge.models import ArticlePage, ArticlePageTag
from search.registry import Entry, Kind, Visibility, register
from search.signals import schedule


class ArticleKind(Kind):
    name = "article"
    model = ArticlePage
    public = True
    suggestible = True

    def get_queryset(self):
        # Tags joined in one query per chunk: a second prefetch level ("tagged_items__tag")
        # asks for the tags by id as one OR per tag on SQLite (Django 5.2's TupleIn), which
        # SQLite refuses past 1,000 tags ("Expression tree is too large").
        return (
            ArticlePage.objects.live()
            .select_related("locale")
            .prefetch_related(
                "legal_domains",
                Prefetch("tagged_items", queryset=ArticlePageTag.objects.select_related("tag")),
            )
        )

    def get(self, pk):
        return ArticlePage.objects.filter(pk=pk).select_related("locale").first()

    def should_index(self, page) -> bool:
        return page.live

    def entry(self, page) -> Entry:
        tags = " ".join(item.tag.name for item in page.tagged_items.all())
        return Entry(
            summary=f"{page.summary}\n{tags}",
            group=str(page.translation_key),
            title=page.title,
            text="\n".join(filter(None, [page.summary, page.body_text(), tags])),
            language=page.locale.language_code,
            url=page.get_url() or page.url_path,
            date=page.last_published_at,
            facets={
                "legal_domain": [domain.slug for domain in page.legal_domains.all()],
                "audience": [page.audience],
            },
        )

    def visibility(self, user) -> Visibility:
        return Visibility(terms={"audience": readable_audiences(user)})

    def facet_label(self, facet, value):
        if facet == "legal_domain":
            domain = _domains().get(value)
            return domain.name if domain else value
        return value


_DOMAINS_SECONDS = 60
_domains_memo: list = [0.0, {}]


def _domains() -> dict:
    """The legal domains by slug, read at most once a minute (facet labels of every search;
    each label is read in the active language)."""
    if _domains_memo[0] < time.monotonic():
        _domains_memo[1] = {domain.slug: domain for domain in LegalDomain.objects.all()}
        _domains_memo[0] = time.monotonic() + _DOMAINS_SECONDS
    return _domains_memo[1]


def _publication_changed(sender, instance, **kwargs):
    # Publishing saves the page (post_save does the work); these catch the paths that may
    # save only the base Page row.
    schedule("index_object", ArticleKind.name, instance.pk)


def register_kinds():
    register(ArticleKind())
    page_published.connect(_publication_changed, sender=ArticlePage, dispatch_uid="search-pub")
    page_unpublished.connect(_publication_changed, sender=ArticlePage, dispatch_uid="search-unpub")
