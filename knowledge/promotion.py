"""The knowledge base's side of promotion: a draft article made from an answer, put straight
into "Legal review". The caller (tickets) removes personal data first and keeps the link to
the question; this module knows nothing about questions."""

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.models import Locale
from wagtail.rich_text import RichText

from knowledge import review, tree
from knowledge.audiences import PUBLIC
from knowledge.importing import markdown_to_richtext
from knowledge.models import ArticlePage


@transaction.atomic
def create_article_draft(
    *, domain, language_code: str, title: str, body_markdown: str, user, summary: str = ""
) -> ArticlePage:
    """A draft (not live) article in the domain's index of that language, submitted to review.

    Unknown languages fall back to the default locale: editors translate from there. Without
    a summary the draft gets the placeholder one, which cannot be approved as it is.
    """
    locale = Locale.objects.filter(language_code=language_code).first() or Locale.objects.get(
        language_code=settings.LANGUAGE_CODE
    )
    index_page = tree.ensure_index(locale, domain)
    article = ArticlePage(
        title=title[:255],
        # Unicode slugs: an Arabic or Ukrainian title keeps a readable URL.
        slug=find_available_slug(index_page, slugify(title, allow_unicode=True)[:200] or "article"),
        locale=locale,
        summary=summary or str(review.PLACEHOLDER_SUMMARY),
        body=[("rich_text", RichText(markdown_to_richtext(body_markdown)))],
        audience=PUBLIC,
        live=False,
        owner=user,
    )
    article.legal_domains = [domain]
    index_page.add_child(instance=article)
    article.save_revision(user=user, log_action=True)
    review.submit_for_review(article, user)
    return article
