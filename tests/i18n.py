"""Texts as the pages show them: the admin and /nl/ pages speak Dutch (the default language),
so tests compare with the translation rather than with the English source string."""

from django.utils import translation
from django.utils.html import escape


def in_dutch(text: str) -> str:
    with translation.override("nl"):
        return str(translation.gettext(text))


def in_dutch_html(text: str) -> str:
    return escape(in_dutch(text))
