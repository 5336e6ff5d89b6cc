"""Staff admin: recurring questions without an article (groups of similar recent documents of
each kind that declares what answers it), and the synonyms editors keep."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from search import registry
from search.models import SynonymGroup
from search.recurring import recurring_without_answer

PERMISSION = "search.view_recurring"
DAYS = 90


def recurring_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    sections = [
        (kind, recurring_without_answer(name, user=request.user, days=DAYS))
        for name, kind in registry.kinds().items()
        if kind.answered_by
    ]
    return TemplateResponse(
        request,
        "search/admin/recurring.html",
        {"sections": sections, "days": DAYS, "header_title": _("Recurring questions")},
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [path("search/recurring/", recurring_view, name="search_recurring")]


class PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PermissionMenuItem(
        _("Recurring questions"),
        reverse("search_recurring"),
        icon_name="list-ul",
        order=60,
    )


class SynonymGroupViewSet(ModelViewSet):
    """Editors and coordinators keep the synonyms (search.synonyms applies them to queries)."""

    model = SynonymGroup
    icon = "resubmit"
    menu_label = _("Synonyms")
    menu_order = 61
    add_to_admin_menu = True
    name = "synonyms"
    form_fields = ["language", "terms"]
    list_display = ["terms", "language", "updated_at"]
    list_filter = ["language"]
    search_fields = ["terms"]
    ordering = ["language", "terms"]


@hooks.register("register_admin_viewset")
def register_synonyms_viewset():
    return SynonymGroupViewSet()
