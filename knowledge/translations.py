"""Translations of articles: which source they translate, and whether they are outdated.

A translation remembers when its source was last published at the time it was made (or last
brought up to date: `mark_up_to_date`). When the source is published again later, the
translation is outdated: readers see a notice and editors a listing.
"""

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from wagtail.models import Locale


def default_locale():
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def translation_source(article):
    """The default-language article with the same translation key, or None for a source."""
    from knowledge.models import ArticlePage

    if article.locale.language_code == settings.LANGUAGE_CODE:
        return None
    return (
        ArticlePage.objects.filter(
            translation_key=article.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .exclude(pk=article.pk)
        .first()
    )


def is_outdated(article) -> bool:
    source = translation_source(article)
    if source is None or source.last_published_at is None:
        return False
    if article.translation_source_published_at is None:
        return True  # never tied to a version of the source: cannot be trusted as current
    return source.last_published_at > article.translation_source_published_at


def mark_up_to_date(article, source=None, save=True) -> None:
    """Record that `article` now translates the current published version of its source."""
    source = source or translation_source(article)
    if source is None:
        return
    article.translation_source_published_at = source.last_published_at
    if save:
        type(article).objects.filter(pk=article.pk).update(
            translation_source_published_at=source.last_published_at
        )


def outdated_translations(queryset=None):
    """Translations (not in the default language) whose source was published after them."""
    from knowledge.models import ArticlePage

    if queryset is None:
        queryset = ArticlePage.objects.all()
    sources = ArticlePage.objects.filter(
        translation_key=OuterRef("translation_key"),
        locale__language_code=settings.LANGUAGE_CODE,
    )
    return (
        queryset.exclude(locale__language_code=settings.LANGUAGE_CODE)
        .annotate(source_published_at=Subquery(sources.values("last_published_at")[:1]))
        .filter(source_published_at__isnull=False)
        .filter(
            Q(translation_source_published_at__isnull=True)
            | Q(source_published_at__gt=F("translation_source_published_at"))
        )
    )
