"""What an article page shows its reader beyond its fields."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from knowledge import votes


def ask_url(article) -> str | None:
    """The intake form with the article's first legal domain chosen ("Ask a question about
    this"). The form belongs to the questions app; without it there is no link."""
    domain = article.legal_domains.order_by("sort_order").first()
    try:
        url = reverse("tickets:ask")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'domain': domain.slug})}" if domain else url


def article_context(article, request) -> dict:
    source = article.get_translation_source()
    outdated = article.is_outdated_translation
    return {
        "domains": list(article.legal_domains.all()),
        "situations": list(article.situations.all()),
        "ask_url": ask_url(article),
        "vote_url": reverse("knowledge:vote", args=[article.pk]),
        "my_vote": votes.existing_vote(request, article),
        "translation_source": source if source is not None and source.live else None,
        "is_outdated_translation": outdated,
    }
