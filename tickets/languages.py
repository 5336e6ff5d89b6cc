"""Contact languages: any ISO 639 language a requester may need, named in its own script."""

from django.conf.locale import LANG_INFO

# Languages often spoken by newcomers in Belgium that Django's own list lacks.
EXTRA_LANGUAGES = {
    "ti": "ትግርኛ (Tigrinya)",
    "am": "አማርኛ (Amharic)",
    "so": "Soomaali (Somali)",
    "ps": "پښتو (Pashto)",
    "prs": "دری (Dari)",
    "kmr": "Kurmancî (Kurdish)",
    "ln": "Lingála (Lingala)",
    "ff": "Fulfulde (Fula)",
    "wo": "Wolof",
    "ha": "Hausa",
    "yo": "Yorùbá (Yoruba)",
    "om": "Afaan Oromoo (Oromo)",
    "rw": "Ikinyarwanda (Kinyarwanda)",
    "tl": "Tagalog",
    "zh": "中文 (Chinese)",
    "ber": "Tamaziɣt (Berber)",
}

# The interface languages first: they need no interpreter.
FIRST = ["nl", "fr", "en", "ar", "uk"]


def contact_language_choices() -> list[tuple[str, str]]:
    names = {}
    for code, info in LANG_INFO.items():
        if "name_local" in info and "-" not in code and len(code) <= 3:
            local, english = info["name_local"], info["name"]
            names[code] = local if local == english else f"{local} ({english})"
    names.update(EXTRA_LANGUAGES)
    rest = sorted((c for c in names if c not in FIRST), key=lambda c: names[c].casefold())
    return [(code, names[code]) for code in FIRST + rest]


def is_known_language(code: str) -> bool:
    return code in dict(contact_language_choices())


def language_name(code: str, own_name: bool = True) -> str:
    """A contact language as staff read it: its name in the active interface language
    ("Arabisch" in the Dutch admin), with its own name when that differs ("Arabisch
    (العربيّة)"; without it when `own_name` is false); never a bare code, except for a code
    nobody knows."""
    code = (code or "").strip().lower()
    if not code:
        return ""
    info = LANG_INFO.get(code)
    if info and "name" in info:
        from django.utils.translation import gettext

        translated = gettext(info["name"])
        local = info.get("name_local", "")
        if own_name and local and local != translated:
            return f"{translated} ({local})"
        return translated
    return EXTRA_LANGUAGES.get(code, code)


def staff_language_choices() -> list[tuple[str, str]]:
    """Every contact language by its name in the interface language, for the admin's filters."""
    named = [(code, language_name(code)) for code, _ in contact_language_choices()]
    first = [choice for choice in named if choice[0] in FIRST]
    rest = sorted((c for c in named if c[0] not in FIRST), key=lambda c: c[1].casefold())
    return first + rest
