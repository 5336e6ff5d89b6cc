from django import template
from django.utils.translation import gettext_lazy as _

from tickets import languages
from tickets.models import Status

register = template.Library()

REQUESTER_STATUS = {
    Status.NEW: _("We received your question. A legal specialist will read it soon."),
    Status.OPEN: _("A legal specialist is working on your question."),
    Status.WAITING: _("We need something from you. Read the last message and reply."),
    Status.ANSWERED: _("There is an answer. You can read it below."),
    Status.CLOSED: _("This question is closed. You can still write if something changes."),
}


@register.filter
def status_in_plain_words(status: str) -> str:
    return REQUESTER_STATUS.get(status, "")


@register.filter
def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} kB"


@register.filter
def language_name(code: str) -> str:
    """A language code as staff read it (tickets.languages.language_name)."""
    return languages.language_name(code)
