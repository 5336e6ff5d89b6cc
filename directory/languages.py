"""Names of the languages spoken at a service's counter, in their own script."""

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from backoffice.languages import EXTRA_LANGUAGES

EXTRA_NAMES = {code: own for code, (own, _english) in EXTRA_LANGUAGES.items()} | {
    # Spoken at some counters; not a language of written questions.
    "sgn": _("Sign language"),
}


def language_name(code: str) -> str:
    if code in EXTRA_NAMES:
        return str(EXTRA_NAMES[code])
    info = LANG_INFO.get(code)
    if info and "name_local" in info:
        return info["name_local"]
    return code


def is_language_code(code: str) -> bool:
    return code in EXTRA_NAMES or ("name_local" in LANG_INFO.get(code, {}) and "-" not in code)
