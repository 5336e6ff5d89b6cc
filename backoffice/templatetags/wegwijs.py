"""Template helpers of the public shell."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats, timezone
from django.utils.translation import get_language_info

register = template.Library()


@register.inclusion_tag("backoffice/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the same content in every language: the page's translation where it exists,
    the same URL with another language prefix otherwise."""
    request = context["request"]
    page = context.get("page")
    current = context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE)
    translations = {}
    if page is not None and hasattr(page, "get_translations"):
        # The page in each language; where it has no translation, its nearest ancestor that has
        # one (e.g. an article not yet translated leads to its section in that language).
        for candidate in [page, *page.get_ancestors().filter(depth__gt=1).reverse()]:
            for translation in (
                candidate.get_translations(inclusive=True).live().select_related("locale")
            ):
                translations.setdefault(translation.locale.language_code, translation)
            if len(translations) == len(settings.LANGUAGES):
                break
    links = []
    for code, native_name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request=request)
        else:
            url = translate_url(request.get_full_path(), code)
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": native_name,
                "url": url,
                "bidi": info["bidi"],
                "current": code == current,
            }
        )
    return {"links": links}


@register.filter
def public_date(value) -> str:
    """A date as every public page writes it, in the page's language (backoffice/formats)."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def public_datetime(value) -> str:
    """A moment (day and hour) as every public page writes it, in the page's language."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
