from django import template
from django.utils import translation

from knowledge.models import KnowledgeLandingPage

register = template.Library()


@register.simple_tag(takes_context=True)
def knowledge_base_url(context) -> str:
    """The knowledge base landing page in the current language ("" when there is none)."""
    language = translation.get_language()
    landing = (
        KnowledgeLandingPage.objects.live()
        .filter(locale__language_code=language)
        .only("url_path", "locale")
        .first()
    )
    if landing is None:
        return ""
    return landing.get_url(request=context.get("request")) or ""
