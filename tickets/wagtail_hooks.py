"""The specialists' place in the Wagtail admin: the question queue and the workspace."""

from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from search import service as search_service
from tickets import access, lifecycle, workspace
from tickets.models import Question


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Questions are created by requesters and professionals only, and never deleted by hand
    (retention anonymises them)."""

    def user_has_permission(self, user, action):
        return action in ("view", "change") and super().user_has_permission(user, action)


register_permission_policy(Question, QuestionPermissionPolicy(Question))


class QuestionIndexView(generic.IndexView):
    def get_base_queryset(self):
        # The visibility rule lives in tickets.access; the admin listing only applies it.
        return access.staff_questions(self.request.user).select_related("legal_domain", "region")

    def get_edit_url(self, instance):
        return reverse("tickets_workspace", args=[instance.pk])

    def search_queryset(self, queryset):
        # Through the search service (full text of subject, question and thread, or the
        # reference), within what the user may see; the listing keeps its own order.
        if not self.is_searching:
            return queryset
        ids = search_service.matching_ids(self.search_query, "question", self.request.user)
        return queryset.filter(Q(reference__iexact=self.search_query.strip()) | Q(pk__in=ids))


class VisibleQuestionMixin:
    """Every view of one question answers "not found" outside the user's regions."""

    def get_object(self, *args, **kwargs):
        question = super().get_object(*args, **kwargs)
        if not access.staff_questions(self.request.user).filter(pk=question.pk).exists():
            raise Http404
        return question


class QuestionEditView(VisibleQuestionMixin, generic.EditView):
    """Triage (priority, legal deadline); saved by the lifecycle service, like every change."""

    def save_instance(self):
        return lifecycle.update_triage(
            self.form.save(commit=False),
            self.form.changed_data,
            actor=self.request.user,
            request=self.request,
        )


class QuestionDeleteView(VisibleQuestionMixin, generic.DeleteView):
    pass


class QuestionHistoryView(VisibleQuestionMixin, history.HistoryView):
    pass


class QuestionUsageView(VisibleQuestionMixin, usage.UsageView):
    pass


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    menu_order = 50
    add_to_admin_menu = True
    index_view_class = QuestionIndexView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    list_display = [
        "reference", "subject", "legal_domain", "region", "status", "priority",
        "legal_deadline", "contact_language", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "legal_domain", "region", "priority", "requester_kind"]
    search_fields = ["reference", "subject"]
    form_fields = list(lifecycle.TRIAGE_FIELDS)
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_question_viewset():
    return QuestionViewSet("questions")


@hooks.register("register_admin_urls")
def register_workspace_urls():
    return [
        path("questions/<int:pk>/workspace/", workspace.workspace, name="tickets_workspace"),
    ]
