"""Languages spoken by newcomers in Flanders and Brussels that Django's list (LANG_INFO) lacks:
one list for the contact languages of questions (tickets.languages) and the languages spoken at
a service's counter (directory.languages)."""

# Languages often spoken by newcomers in Belgium that Django's own list lacks.
# (endonym, English name)
EXTRA_LANGUAGES = {
    "ti": ("ትግርኛ", "Tigrinya"),
    "am": ("አማርኛ", "Amharic"),
    "so": ("Soomaali", "Somali"),
    "ps": ("پښتو", "Pashto"),
    "prs": ("دری", "Dari"),
    "kmr": ("Kurmancî", "Kurdish"),
    "ln": ("Lingála", "Lingala"),
    "ff": ("Fulfulde", "Fula"),
    "wo": ("Wolof", "Wolof"),
    "ha": ("Hausa", "Hausa"),
    "yo": ("Yorùbá", "Yoruba"),
    "om": ("Afaan Oromoo", "Oromo"),
    "rw": ("Ikinyarwanda", "Kinyarwanda"),
    "tl": ("Tagalog", "Tagalog"),
    "zh": ("中文", "Chinese"),
    "ber": ("Tamaziɣt", "Berber"),
}
