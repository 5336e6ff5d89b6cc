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
