"""Links to articles in answers to requesters: which articles a requester may be sent, in which
language, under which public address, and which links an answer must not hold.

A newcomer reads public articles; a professional (a consult) reads public and professionals
articles; nobody outside the staff reads an internal article. The link always points at the
public site in the requester's language (the translation when it exists and is live, otherwise
the original, marked with its language) — never at the admin. `forbidden_links` is the
server-side check the service that sends a public reply calls (knowledge knows no questions:
the caller says who reads the reply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from knowledge.audiences import INTERNAL, PROFESSIONALS, PUBLIC

NEWCOMER = "newcomer"
PROFESSIONAL = "professional"

LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?[^)]*\)|(https?://[^\s)<>\]]+)")


def audiences_for(reader: str) -> list[str]:
    return [PUBLIC, PROFESSIONALS] if reader == PROFESSIONAL else [PUBLIC]


def language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


@dataclass
class ArticleLink:
    pk: int
    title: str
    language: str
    url: str
    translated: bool  # in the requester's language
    audience: str

    @property
    def label(self) -> str:
        if self.translated:
            return self.title
        return f"{self.title} ({language_name(self.language)})"

    @property
    def markdown(self) -> str:
        title = self.label.replace("[", "").replace("]", "")
        return f"[{title}]({self.url})"


def public_url(article) -> str:
    relative = article.get_url(None) or article.url or ""
    if relative.startswith("/"):
        return settings.PUBLIC_BASE_URL + relative
    return relative


def _live_articles(reader):
    from knowledge.models import ArticlePage

    return (
        ArticlePage.objects.live()
        .filter(audience__in=audiences_for(reader))
        .select_related("locale")
    )


def link_for(article, language: str, reader: str) -> ArticleLink | None:
    """The link to send a requester for `article` (any language version): the live version in
    `language` when it exists, else the source (original) article; None when the requester may
    not read it."""
    candidates = _live_articles(reader).filter(translation_key=article.translation_key)
    chosen = candidates.filter(locale__language_code=language).first()
    if chosen is None:
        chosen = candidates.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if chosen is None:
        chosen = candidates.filter(pk=article.pk).first()
    if chosen is None:
        return None
    return ArticleLink(
        pk=chosen.pk,
        title=chosen.title,
        language=chosen.locale.language_code,
        url=public_url(chosen),
        translated=chosen.locale.language_code == language,
        audience=chosen.audience,
    )


def links_for(articles, language: str, reader: str) -> dict[int, ArticleLink]:
    """`link_for` of several articles in one query: article pk -> its link (absent when the
    requester may not read it)."""
    articles = list(articles)
    keys = {article.translation_key for article in articles}
    candidates = list(_live_articles(reader).filter(translation_key__in=keys)) if keys else []
    links = {}
    for article in articles:
        versions = [c for c in candidates if c.translation_key == article.translation_key]
        chosen = (
            next((c for c in versions if c.locale.language_code == language), None)
            or next((c for c in versions if c.locale.language_code == settings.LANGUAGE_CODE), None)
            or next((c for c in versions if c.pk == article.pk), None)
        )
        if chosen is not None:
            links[article.pk] = ArticleLink(
                pk=chosen.pk,
                title=chosen.title,
                language=chosen.locale.language_code,
                url=public_url(chosen),
                translated=chosen.locale.language_code == language,
                audience=chosen.audience,
            )
    return links


def linkable_articles(language: str, reader: str, query: str = "", limit: int = 50):
    """Articles a requester may be sent: those in their language first, then originals that
    have no live translation in it (marked with their language). Optionally narrowed by words
    of the title or summary."""
    articles = _live_articles(reader)
    for word in query.split()[:5]:
        articles = articles.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    own = list(articles.filter(locale__language_code=language).order_by("title")[:limit])
    translated_keys = set(
        _live_articles(reader)
        .filter(locale__language_code=language)
        .values_list("translation_key", flat=True)
    )
    originals = []
    if language != settings.LANGUAGE_CODE:
        originals = [
            article
            for article in articles.filter(locale__language_code=settings.LANGUAGE_CODE).order_by(
                "title"
            )[: limit * 2]
            if article.translation_key not in translated_keys
        ]
    links = [
        ArticleLink(
            pk=article.pk,
            title=article.title,
            language=article.locale.language_code,
            url=public_url(article),
            translated=article.locale.language_code == language,
            audience=article.audience,
        )
        for article in own + originals
    ]
    return links[:limit]


def _paths(url: str) -> str:
    parts = urlsplit(url)
    return parts.path.rstrip("/") + "/"


def forbidden_links(body: str, reader: str) -> list[str]:
    """The links in `body` a requester (`reader`) may not be sent: articles of an audience
    they may not read (internal, or professional-only for a newcomer) and admin addresses."""
    from knowledge.models import ArticlePage

    urls = [first or second for first, second in LINK.findall(body or "")]
    if not urls:
        return []
    allowed = set(audiences_for(reader))
    hosts = {
        urlsplit(base).netloc
        for base in (settings.PUBLIC_BASE_URL, settings.WAGTAILADMIN_BASE_URL)
        if base
    }
    closed = {}
    for article in ArticlePage.objects.exclude(audience__in=allowed).select_related("locale"):
        relative = article.get_url(None) or ""
        if relative:
            closed[_paths(relative)] = article
    refused = []
    for url in urls:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in hosts:
            continue  # another site
        path = _paths(url)
        if path.startswith("/admin/") or path.startswith("/django-admin/"):
            refused.append(url)
        elif path in closed:
            refused.append(url)
    return refused


def forbidden_links_message(refused: list[str]) -> str:
    return _(
        "This reply links to something the requester may not read (an internal or "
        "professionals-only article, or an admin page): %(links)s. Remove the link or choose a "
        "public article; your text is kept."
    ) % {"links": ", ".join(refused)}


__all__ = [
    "INTERNAL",
    "NEWCOMER",
    "PROFESSIONAL",
    "ArticleLink",
    "forbidden_links",
    "link_for",
    "linkable_articles",
]
