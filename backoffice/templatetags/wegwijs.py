"""Template helpers of the public shell."""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, translate_url
from django.utils import formats, timezone, translation
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
    same_urls = _same_url_in_each_language(request.get_full_path())
    for code, native_name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request=request)
        else:
            url = same_urls[code]
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


def _same_url_in_each_language(path: str) -> dict:
    """The path with each language's prefix (Django's translate_url, which resolves the path
    and reverses it again: a fifth of the public shell's time), kept per path, active language
    and script prefix, since URL patterns do not change while the process runs."""
    if len(path) > 300:  # long query strings: not worth keeping
        return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    return _kept_same_urls(path, translation.get_language(), get_script_prefix())


@functools.lru_cache(maxsize=1024)
def _kept_same_urls(path: str, _active: str, _prefix: str) -> dict:
    return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}


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


# Rendered HTML of empty form fields, per language: an unbound field with no initial value
# renders the same for everyone (label, help text, widget, no errors, no value), and its
# templates (forms/field.html, the label, the widget and its attributes) were a fifth of the
# requester's follow-up page (docs/benchmarks.md, "Follow-up page").
_BLANK_FIELDS: dict = {}
_BLANK_FIELDS_MAX = 512


@register.filter
def field_group(bound_field):
    """`{{ form.field|field_group }}`: the same HTML as `{{ form.field.as_field_group }}`,
    kept per language while the field is blank (an unbound form, no initial value); a bound
    form (with what was typed and its errors) is always rendered afresh."""
    form, field = bound_field.form, bound_field.field
    if form.is_bound or form.initial or field.initial is not None or hasattr(field, "choices"):
        # Choices may come from the database: only fields whose HTML the key below decides.
        return bound_field.as_field_group()
    widget = field.widget
    key = (
        type(form),
        bound_field.name,
        form.prefix,
        form.auto_id,
        translation.get_language(),
        str(field.label),
        str(field.help_text),
        field.required,
        field.disabled,
        type(widget),
        repr(sorted(widget.attrs.items())),
        form.use_required_attribute,
    )
    html = _BLANK_FIELDS.get(key)
    if html is None:
        html = bound_field.as_field_group()
        if len(_BLANK_FIELDS) >= _BLANK_FIELDS_MAX:
            _BLANK_FIELDS.clear()
        _BLANK_FIELDS[key] = html
    return html
