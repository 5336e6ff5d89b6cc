"""The knowledge base in the Wagtail admin: the editors' review listings."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from knowledge import review, review_views


class CuratorMenuItem(MenuItem):
    def is_shown(self, request):
        return review.can_curate(request.user)


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path(
            "knowledge/due-for-review/",
            review_views.due_for_review,
            name="knowledge_due_for_review",
        ),
        path(
            "knowledge/outdated-translations/",
            review_views.outdated_translations,
            name="knowledge_outdated_translations",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_due_for_review_menu_item():
    return CuratorMenuItem(
        _("Due for legal review"), reverse("knowledge_due_for_review"), icon_name="time", order=10
    )


@hooks.register("register_reports_menu_item")
def register_outdated_translations_menu_item():
    return CuratorMenuItem(
        _("Outdated translations"),
        reverse("knowledge_outdated_translations"),
        icon_name="globe",
        order=11,
    )
