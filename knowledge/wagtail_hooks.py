"""The knowledge base in the Wagtail admin: the editors' review listings."""

from django.contrib import messages
from django.shortcuts import redirect
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


# --- Publishing only through "Legal review" ---------------------------------------------------
# The permission testers (knowledge.review) refuse every publication that is not an approval;
# these hooks turn the admin's publish requests into what is allowed, with a message that says
# so, before anything is saved.


def _without(request, *names):
    data = request.POST.copy()
    for name in names:
        data.pop(name, None)
    return data


@hooks.register("before_create_page")
def new_articles_go_to_review(request, parent_page, page_class):
    from knowledge.models import ArticlePage

    if request.method != "POST" or not issubclass(page_class, ArticlePage):
        return None
    if request.POST.get("action-publish"):
        data = _without(request, "action-publish")
        data["action-submit"] = "1"
        request.POST = data
        messages.warning(
            request,
            _(
                "Articles are published by an approval in Legal review: the new article was "
                "submitted for review instead."
            ),
        )
    return None


@hooks.register("before_edit_page")
def article_edits_go_to_review(request, page):
    if request.method != "POST" or not isinstance(page.specific_deferred, review.LegalReviewMixin):
        return None
    if request.POST.get("action-publish"):
        data = _without(request, "action-publish")
        if not page.workflow_in_progress:
            data["action-submit"] = "1"
        request.POST = data
        messages.warning(
            request,
            _(
                "Articles are published by an approval in Legal review: your changes were "
                "saved as a draft for review instead."
            ),
        )
    return None


@hooks.register("before_copy_page")
def copied_articles_stay_drafts(request, page):
    if (
        request.method == "POST"
        and request.POST.get("publish_copies")
        and review.holds_articles(page)
    ):
        request.POST = _without(request, "publish_copies")
        messages.warning(
            request,
            _(
                "Copied articles are saved as drafts: they are published by an approval in "
                "Legal review."
            ),
        )
    return None


def _refuse_move(request, page):
    messages.error(
        request,
        _(
            "A published article cannot be moved to another place: that would publish it there "
            "without legal review. Copy it to the new place and submit the copy to Legal review."
        ),
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("before_move_page")
def live_articles_stay_in_place(request, page, destination):
    if page.get_parent().pk != destination.pk and review.holds_live_articles(page):
        return _refuse_move(request, page)
    return None


@hooks.register("before_bulk_action")
def no_bulk_publication_of_articles(request, action_type, objects, action_class_instance):
    if action_type != "move" or request.method != "POST":
        return None
    destination_id = request.POST.get("chooser")
    for page in objects:
        if str(page.get_parent().pk) != str(destination_id) and review.holds_live_articles(page):
            return _refuse_move(request, page)
    return None
