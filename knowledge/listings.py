"""What the landing and index pages list (always through the audience rule)."""

from knowledge.audiences import readable_articles
from knowledge.models import ArticlePage, KnowledgeIndexPage, LifeSituation


def _articles_in(page, request):
    return readable_articles(request.user, ArticlePage.objects.descendant_of(page))


def landing_context(landing, request) -> dict:
    """Life situations with the readable articles of this language, then the domains."""
    articles = _articles_in(landing, request).order_by("title")
    situations = []
    selected = request.GET.get("situation", "")
    for situation in LifeSituation.objects.all():
        in_situation = articles.filter(situations=situation)
        count = in_situation.count()
        if not count:
            continue
        situations.append(
            {
                "key": situation.key,
                "label": situation.label,
                "description": situation.description,
                "count": count,
                "articles": list(in_situation) if selected == situation.key else [],
            }
        )
    indexes = KnowledgeIndexPage.objects.child_of(landing).live().select_related("legal_domain")
    domains = [
        {"page": index_page, "count": _articles_in(index_page, request).count()}
        for index_page in indexes.order_by("legal_domain__sort_order", "title")
    ]
    return {
        "situations": situations,
        "selected_situation": selected,
        "domain_indexes": [entry for entry in domains if entry["count"]],
    }


def index_context(index_page, request) -> dict:
    return {"articles": _articles_in(index_page, request).order_by("title")}
