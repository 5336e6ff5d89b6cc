from django import template
from django.core.cache import cache
from django.utils import translation

from backoffice import page_cache
from knowledge.models import KnowledgeLandingPage

register = template.Library()

# Kept per (content generation, language, host): every page of the site shows this link, and the
# landing page and site look-ups cost more than the rest of a search page. Any change to pages
# moves the content generation on (backoffice.page_cache), so a stale URL is never used.
CACHE_SECONDS = 3600


@register.simple_tag(takes_context=True)
def knowledge_base_url(context) -> str:
    """The knowledge base landing page in the current language ("" when there is none)."""
    language = translation.get_language()
    request = context.get("request")
    try:
        host = request.get_host() if request is not None else ""
    except Exception:  # noqa: BLE001 - a disallowed host: no cached copy, Django reports it
        host = None
    key = f"knowledge-base-url:{page_cache.generation()}:{language}:{host}"
    if host is not None:
        url = cache.get(key)
        if url is not None:
            return url
    landing = (
        KnowledgeLandingPage.objects.live()
        .filter(locale__language_code=language)
        .only("url_path", "locale")
        .first()
    )
    url = (landing.get_url(request=request) or "") if landing is not None else ""
    if host is not None:
        cache.set(key, url, CACHE_SECONDS)
    return url
