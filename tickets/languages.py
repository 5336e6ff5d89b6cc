"""Contact languages: any ISO 639 language a requester may need, named in its own script.

Each language is named by its own name (endonym). On the Dutch, French and English pages the
name in the page's language follows in brackets, for the helper who fills the form in with
someone; on the Arabic and Ukrainian pages a newcomer reads the list, so no other name is added
(not English, which they may not read either).
"""

import functools
from types import MappingProxyType

from django.conf.locale import LANG_INFO
from django.utils import translation

from backoffice.languages import EXTRA_LANGUAGES

# Pages on which the name in the page's language is added in brackets.
BRACKETED_ON = ("nl", "fr", "en")

# The interface languages first: they need no interpreter.
FIRST = ["nl", "fr", "en", "ar", "uk"]


@functools.cache
def _names() -> MappingProxyType:
    """{code: (own name, English name)}: built once per process (read for every queue row)."""
    names = {
        code: (info["name_local"], info["name"])
        for code, info in LANG_INFO.items()
        if "name_local" in info and "-" not in code and len(code) <= 3
    }
    names.update(EXTRA_LANGUAGES)
    return MappingProxyType(names)


def contact_language_choices() -> list[tuple[str, str]]:
    """(code, name) in the order the form shows them, named for the active page language."""
    return list(_contact_language_choices(translation.get_language() or "nl"))


@functools.lru_cache(maxsize=32)
def _contact_language_choices(language: str) -> tuple[tuple[str, str], ...]:
    # Per page language, built once per process: the names come from LANG_INFO and the
    # translation catalogues, which do not change while it runs (every intake form asks).
    page_language = language.split("-")[0]
    names = {}
    with translation.override(language):
        for code, (local, english) in _names().items():
            # Django's catalogue names the languages in the page's language (English otherwise).
            here = translation.gettext(english) if page_language in BRACKETED_ON else local
            names[code] = local if here.casefold() == local.casefold() else f"{local} ({here})"
    rest = sorted((c for c in names if c not in FIRST), key=lambda c: names[c].casefold())
    return tuple((code, names[code]) for code in FIRST + rest)


def is_known_language(code: str) -> bool:
    return code in _names()


def language_name(code: str, own_name: bool = True) -> str:
    """A contact language as staff read it: its name in the active interface language
    ("Arabisch" in the Dutch admin), with its own name when that differs ("Arabisch
    (العربيّة)"; without it when `own_name` is false); never a bare code, except for a code
    nobody knows."""
    from django.utils.translation import gettext

    code = (code or "").strip().lower()
    if not code:
        return ""
    names = _names()
    if code not in names:
        return code
    local, english = names[code]
    translated = gettext(english)
    if own_name and local and local != translated:
        return f"{translated} ({local})"
    return translated


def staff_language_choices() -> list[tuple[str, str]]:
    """Every contact language by its name in the interface language, for the admin's filters."""
    return list(_staff_language_choices(translation.get_language() or "nl"))


@functools.lru_cache(maxsize=32)
def _staff_language_choices(language: str) -> tuple[tuple[str, str], ...]:
    # Per interface language: the names come from the translation catalogues, which do not
    # change while the process runs.
    with translation.override(language):
        named = [(code, language_name(code)) for code, _ in contact_language_choices()]
    first = [choice for choice in named if choice[0] in FIRST]
    rest = sorted((c for c in named if c[0] not in FIRST), key=lambda c: c[1].casefold())
    return tuple(first + rest)
