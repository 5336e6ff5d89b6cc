"""The specialists' place in the Wagtail admin: the question queue, the workspace, service levels
and answer templates."""

import functools
import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import path
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from backoffice import widgets
from backoffice.audit import record_event
from backoffice.models import LegalDomain, Municipality, Region
from search import service as search_service
from tickets import access, languages, queue_views
from tickets.models import (
    QUICK_VIEWS,
    REFERENCE_PATTERN,
    AnswerTemplate,
    Priority,
    Question,
    RequesterKind,
    SLAPolicy,
    Status,
    open_work_only,
)
from tickets.promotion import views as promotion_views
from tickets.queue_columns import (
    AgeColumn,
    CheckboxColumn,
    DayColumn,
    PlainColumn,
    QuestionTable,
    ReferenceColumn,
)
from tickets.referrals import network_views
from tickets.referrals import views as referral_views
from tickets.workspace.forms import TriageForm
from tickets.workspace.viewset import WorkspaceViewSet


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Questions are created by requesters and professionals only, and never deleted by hand
    (retention anonymises them)."""

    def user_has_permission(self, user, action):
        return action in ("view", "change") and super().user_has_permission(user, action)


register_permission_policy(Question, QuestionPermissionPolicy(Question))

REFERENCE = re.compile(REFERENCE_PATTERN)


class CappedPaginator(WagtailPaginator):
    """Counts at most CAP rows (COUNT over a LIMIT subquery): a page view never counts a
    100,000-row queue. Past the cap the listing says "more than CAP" and asks to filter."""

    CAP = 5000  # 100 pages of 50

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CAP + 1].count()

    @cached_property
    def capped(self):
        return self.count > self.CAP

    @cached_property
    def items_count_label(self):
        if self.capped:
            return _("more than %(count)d questions") % {"count": self.CAP}
        return super().items_count_label


class MatchesPaginator(CappedPaginator):
    """The staff search's pages when the keys of the matches are known, in the listing's order
    (QuestionIndexView.search_queryset, at most CAP + 1 of them): the count is their number
    and a page reads only its own rows, by key, from `rows` (the listing in its order), instead
    of counting the matches again and sorting them all once more for each page."""

    def __init__(self, object_list, per_page, *, keys, rows, **kwargs):
        # rows: the page's questions from their keys (QuestionIndexView.page_rows)
        super().__init__(object_list, per_page, **kwargs)
        self.keys, self.rows = keys, rows

    @cached_property
    def count(self):
        return len(self.keys)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(self.keys[bottom:top]), number, self)


class QuestionFilterSet(WagtailFilterSet):
    view = django_filters.ChoiceFilter(
        label=_("Quick view"),
        choices=list(QUICK_VIEWS.items()),
        method="filter_view",
        widget=widgets.Select,
    )
    # distinct=False: a plain column needs no DISTINCT, which would sort every row of the region.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        widget=widgets.CheckboxSelectMultiple,
        distinct=False,
    )
    legal_domain = django_filters.ModelChoiceFilter(
        label=_("Legal domain"), queryset=LegalDomain.objects.all(), widget=widgets.Select
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.none(), widget=widgets.Select
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        null_label=_("Unknown"),
        widget=widgets.Select,
    )
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"),
        choices=Priority.choices,
        widget=widgets.CheckboxSelectMultiple,
        distinct=False,
    )
    legal_deadline = django_filters.DateFromToRangeFilter(
        label=_("Legal deadline"), widget=widgets.DateRangePickerWidget
    )
    first_response_due = django_filters.DateFromToRangeFilter(
        label=_("First response due"), widget=widgets.DateRangePickerWidget
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"),
        queryset=get_user_model().objects.none(),
        null_label=_("Unassigned"),
        widget=widgets.Select,
    )
    contact_language = django_filters.ChoiceFilter(
        label=_("Contact language"),
        choices=languages.staff_language_choices,
        widget=widgets.Select,
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=widgets.DateRangePickerWidget
    )
    requester_kind = django_filters.ChoiceFilter(
        label=_("Requester"), choices=RequesterKind.choices, widget=widgets.Select
    )

    class Meta:
        model = Question
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request else None
        for name, choices in queue_views.filter_choices(user).items():
            self.filters[name].queryset = choices

    def filter_view(self, queryset, name, value):
        return queryset.quick_view(value, self.request.user)


class QuestionIndexView(generic.IndexView):
    paginator_class = CappedPaginator
    table_class = QuestionTable
    template_name = "tickets/admin/question_index.html"
    results_template_name = "tickets/admin/question_results.html"
    filterset_class = QuestionFilterSet
    export_filename = "questions"
    list_export = [
        "reference", "subject", "legal_domain.name", "region.name", "municipality.name",
        "municipality.postcode", "get_status_display",
        "get_priority_display", "legal_deadline", "first_response_due", "answer_due",
        "assignee_label", "contact_language", "get_requester_kind_display", "created_at",
        "first_response_at", "closed_at", "get_outcome_display",
    ]  # fmt: skip
    # Every heading spelled out (not the field's lower-case verbose name), in the reader's
    # language: the CSV is streamed after the view returns, see stream_csv.
    export_headings = {
        "reference": _("Reference"),
        "subject": _("Subject"),
        "legal_domain.name": _("Legal domain"),
        "region.name": _("Region"),
        "municipality.name": _("Municipality"),
        "municipality.postcode": _("Postcode"),
        "legal_deadline": _("Legal deadline"),
        "first_response_due": _("First response due"),
        "answer_due": _("Answer due"),
        "contact_language": _("Contact language"),
        "created_at": _("Received"),
        "first_response_at": _("First response"),
        "closed_at": _("Closed"),
        "get_status_display": _("Status"),
        "get_priority_display": _("Priority"),
        "assignee_label": _("Assignee"),
        "get_requester_kind_display": _("Requester"),
        "get_outcome_display": _("Outcome"),
    }

    # What the table's cells read (tickets.queue_columns): a page fetches only these columns
    # of a question (not its body, contact details or codes). The CSV export reads every field.
    ROW_FIELDS = (
        "reference", "subject", "legal_domain", "region", "municipality", "status", "priority",
        "legal_deadline", "first_response_due", "answer_due", "assignee", "contact_language",
        "created_at",
    )  # fmt: skip

    def get_base_queryset(self):
        # The visibility rule lives in tickets.access; the admin listing only applies it.
        return (
            access.staff_questions(self.request.user)
            .select_related(*queue_views.ROW_RELATIONS)
            .with_effective_due()
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, more = super().paginate_queryset(queryset, page_size)
        if isinstance(rows, QuerySet) and rows.query.is_sliced:
            page.object_list = rows = self.page_rows(rows)
        return paginator, page, rows, more

    def page_rows(self, page, keys=None):
        """The questions of one page in one query of two steps: the page's keys in the
        listing's order and filters (the database walks an index and sorts keys, not whole
        rows with their joins: page 50 of the archive skips 2,450 keys, not 2,450 joined rows),
        then those questions with what the table shows. The outer step repeats no filter (a
        search's match runs once), so it may only ever read the keys the inner step chose.
        `keys`: the page's keys when they are known already (a search's, MatchesPaginator)."""
        rows = (
            Question.objects.filter(pk__in=page.values("pk") if keys is None else keys)
            .only(*self.ROW_FIELDS)
            .with_effective_due()
            .order_by(*page.query.order_by)
        )
        # What the rows name (domains, regions, places, assignees): kept between requests.
        kept = queue_views.kept_rows(self.request)
        if kept is None:
            return rows.select_related(*queue_views.ROW_RELATIONS)
        rows = list(rows)
        queue_views.attach_rows(rows, kept)
        return rows

    @cached_property
    def listing_choice(self) -> tuple[list[str], str, str]:
        """The statuses, quick view and search the user chose (sla decides what they mean)."""
        params = self.request.GET
        statuses = [status for status in params.getlist("status") if status]
        return statuses, params.get("view", ""), params.get("q", "")

    @cached_property
    def open_only(self) -> bool:
        return open_work_only(*self.listing_choice)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.open_only:
            queryset = queryset.open()
        return queryset

    def order_queryset(self, queryset):
        if not self.ordering:
            return queryset.default_order(*self.listing_choice)
        return super().order_queryset(queryset).order_by(self.ordering, "pk")

    @cached_property
    def columns(self):
        return [
            CheckboxColumn("select", label=_("Select")),
            ReferenceColumn("reference", label=_("Reference"), sort_key="reference"),
            PlainColumn("subject", label=_("Subject"), sort_key="subject"),
            # same_cell_for: the field that decides the cell (written once per page).
            PlainColumn(
                "legal_domain",
                label=_("Legal domain"),
                sort_key="legal_domain__sort_order",
                same_cell_for="legal_domain_id",
            ),
            PlainColumn(
                "region", label=_("Region"), sort_key="region__name", same_cell_for="region_id"
            ),
            PlainColumn(
                "municipality",
                label=_("Municipality"),
                sort_key="municipality__name",
                same_cell_for="municipality_id",
            ),
            PlainColumn(
                "get_status_display", label=_("Status"), sort_key="status", same_cell_for="status"
            ),
            PlainColumn(
                "get_priority_display",
                label=_("Priority"),
                sort_key="priority",
                same_cell_for="priority",
            ),
            DayColumn("legal_deadline", label=_("Legal deadline"), sort_key="legal_deadline"),
            DayColumn(
                "first_response_due", label=_("First response due"), sort_key="first_response_due"
            ),
            DayColumn("effective_due", label=_("Due"), sort_key="effective_due"),
            PlainColumn(
                "assignee_label",
                label=_("Assignee"),
                sort_key="assignee__username",
                same_cell_for="assignee_id",
            ),
            PlainColumn(
                "contact_language_name",
                label=_("Language"),
                sort_key="contact_language",
                same_cell_for="contact_language",
            ),
            AgeColumn("age", label=_("Age"), sort_key="created_at"),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["quick_views"] = queue_views.quick_view_links(self.request)
        # Made only when the template draws it (its fields are kept: backoffice.admin_chrome).
        context["bulk_form"] = functools.partial(queue_views.BulkForm, user=self.request.user)
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.is_export:
            record_event(
                "question.export",
                request=self.request,
                details={
                    "format": self.request.GET.get("export"),
                    "filters": {k: v for k, v in self.request.GET.items() if k != "export"},
                },
            )
        return super().render_to_response(context, **response_kwargs)

    def stream_csv(self, queryset):
        # Streams in chunks instead of loading every row. The rows are written while the
        # response is sent, after Wagtail has left the user's admin language: each chunk is
        # written in the language of the request again (headings, statuses, outcomes).
        return queue_views.in_language(
            super().stream_csv(queryset.iterator(chunk_size=2000)), translation.get_language()
        )

    def search_queryset(self, queryset):
        # Through the search service (full text of subject, question and thread, or the
        # reference), within what the user may see; the listing keeps its own order.
        if not self.is_searching:
            return queryset
        # Every match, as a sub-query joined to the listing's rows (database backend): the
        # listing's order, count and pages hold for all of them.
        matching = search_service.matching_q(self.search_query, "question", self.request.user)
        # References are upper case ("WW-2026-000123"): an exact match can use the unique index.
        # Looked up first (and only for what can be a reference): an OR in the listing's query
        # would test every row of the region.
        reference = self.search_query.strip().upper()
        if REFERENCE.fullmatch(reference):
            exact = list(queryset.filter(reference=reference).order_by().values_list("pk")[:1])
            if exact:
                matching |= Q(pk=exact[0][0])
        found = queryset.filter(matching)
        if self.is_export:
            return found  # every match, in the listing's order, streamed (stream_csv)
        # The full-text match runs once, in the listing's order (`queryset` is ordered): the
        # keys of every row the listing shows, up to one past the paginator's cap. The
        # paginator counts them (past the cap: "more than CAP", as CappedPaginator counts) and
        # reads the 50 rows of its page by key (MatchesPaginator).
        keys = list(found.values_list("pk", flat=True)[: CappedPaginator.CAP + 1])
        self.matched = (keys, queryset)
        return found

    def get_paginator(self, queryset, per_page, **kwargs):
        matched = getattr(self, "matched", None)
        if matched is None:
            return super().get_paginator(queryset, per_page, **kwargs)
        keys, listing = matched
        # A page's rows as the listing's pages read theirs (only what the table shows, the
        # names it shows kept between requests), from keys the scoped match chose.
        return MatchesPaginator(
            queryset,
            per_page,
            keys=keys,
            rows=lambda page_keys: self.page_rows(listing, keys=page_keys),
            **kwargs,
        )


class VisibleQuestionMixin:
    """Every view of one question answers "not found" outside the user's regions."""

    def get_object(self, *args, **kwargs):
        question = super().get_object(*args, **kwargs)
        if not access.staff_questions(self.request.user).filter(pk=question.pk).exists():
            raise Http404
        return question


class QuestionEditView(VisibleQuestionMixin, generic.EditView):
    """Triage (domain, priority, legal deadline, assignee) from the listing: the workspace's
    TriageForm, saved by the same service (TriageForm.save_through_service)."""

    def form_valid(self, form):
        self.form = form
        self.object = form.save_through_service(actor=self.request.user, request=self.request)
        if self.object is None:  # refused by the service: shown on the form
            self.object = self.get_object()
            return self.form_invalid(form)
        return super().form_valid(form)

    def save_instance(self):
        return self.object  # saved in form_valid, through the service


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
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    list_export = QuestionIndexView.list_export
    search_fields = ["reference", "subject"]

    def get_form_class(self, for_update=False):
        return TriageForm  # one triage form, the workspace's

    inspect_view_enabled = False
    list_per_page = 50
    # Wagtail's reference index ("usage") would get two background tasks per new question
    # and audit event, and list 100,000 questions under every region: nothing reads it.
    add_to_reference_index = False


class SLAPolicyViewSet(ModelViewSet):
    model = SLAPolicy
    icon = "time"
    menu_label = _("Service levels")
    menu_order = 810
    add_to_admin_menu = True
    form_fields = ["legal_domain", "priority", "first_response_days", "answer_days"]
    list_display = ["__str__", "first_response_days", "answer_days"]
    list_filter = ["legal_domain", "priority"]
    inspect_view_enabled = False


class AnswerTemplateFilterSet(WagtailFilterSet):
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=languages.staff_language_choices
    )

    class Meta:
        model = AnswerTemplate
        fields = ["legal_domain"]


class AnswerTemplateViewSet(SnippetViewSet):
    model = AnswerTemplate
    icon = "doc-full"
    menu_label = _("Answer templates")
    menu_order = 60
    add_to_admin_menu = True
    # Languages by name, never as a code (tickets.languages).
    list_display = [
        "title",
        "legal_domain",
        PlainColumn("language_name", label=_("Language"), sort_key="language"),
    ]
    filterset_class = AnswerTemplateFilterSet
    search_fields = ["title", "body"]
    panels = [
        FieldPanel("title"),
        FieldPanel("legal_domain"),
        FieldPanel("language", widget=forms.Select(choices=languages.staff_language_choices)),
        FieldPanel("body"),
    ]


register_snippet(AnswerTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_question_viewsets():
    # The workspace's URLs come from its viewset (tickets.workspace.viewset).
    return [
        QuestionViewSet("questions"),
        SLAPolicyViewSet("service_levels"),
        WorkspaceViewSet("workspace"),
    ]


@hooks.register("register_admin_urls")
def register_workspace_urls():
    return [
        path("questions/bulk/", queue_views.bulk_action, name="tickets_bulk"),
        path(
            "questions/<int:pk>/referrals/<int:referral_id>/warm/",
            referral_views.refer_warm,
            name="tickets_referral_warm",
        ),
        path(
            "questions/<int:pk>/referrals/<int:referral_id>/received/",
            referral_views.record_receipt,
            name="tickets_referral_received",
        ),
        path("questions/<int:pk>/network/", network_views.staff_add, name="tickets_network_add"),
        path(
            "questions/<int:pk>/network/<int:contact_id>/remove/",
            network_views.staff_remove,
            name="tickets_network_remove",
        ),
    ]


@hooks.register("register_admin_urls")
def register_promotion_urls():
    return [
        path(
            "questions/<int:pk>/propose-article/",
            promotion_views.propose_article,
            name="tickets_propose_article",
        ),
    ]


# Documents and handover, privacy (erasure requests, legal holds, the retention report and the
# record of processing) and the coordinators' reports register their own admin URLs and menus.
from tickets.documents import wagtail_hooks as document_hooks  # noqa: E402,F401
from tickets.privacy import wagtail_hooks as privacy_hooks  # noqa: E402,F401
from tickets.reports import wagtail_hooks as report_hooks  # noqa: E402,F401
