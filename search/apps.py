from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    # Our label is "wegwijs_search": Wagtail's own search app already uses "search".
    name = "search"
    label = "wegwijs_search"
    verbose_name = _("Search")
