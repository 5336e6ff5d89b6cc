"""Per-language model fields (name_nl, name_fr, ...) read in the active language."""

from django.conf import settings
from django.utils import translation


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localized_value(obj, field: str, language: str | None = None) -> str:
    """The value of `field_<language>`, falling back to Dutch, then to any filled language."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in [language, settings.LANGUAGE_CODE, *language_codes()]:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
