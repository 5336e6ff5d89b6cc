"""The admin home page per role (Wagtail's construct_homepage_panels hook): what each person
should look at first, each line a link straight to the listing or item. Reads through the
services of each part (tickets.sla, knowledge.review, search.querylog, the figures)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from backoffice import roles
from tickets import access, languages
from tickets.models import QUICK_VIEWS, Message
from tickets.reports import figures


class HomePanel(Component):
    template_name = "tickets/admin/home_panel.html"
    order = 50
    panel_id = ""
    heading = ""

    def __init__(self, request):
        self.request = request

    def lines(self) -> list[dict]:
        """[{"label", "count", "url"}]"""
        return []

    def items(self) -> tuple[str, list[dict]]:
        """A titled list of single items: (title, [{"label", "url"}])."""
        return "", []

    def more_items(self) -> list[tuple[str, list[dict]]]:
        """Further titled lists, shown after `items`."""
        return []

    def get_context_data(self, parent_context):
        title, items = self.items()
        return {
            "panel_id": self.panel_id,
            "heading": self.heading,
            "lines": self.lines(),
            "items_title": title,
            "items": items,
            "more_items": self.more_items(),
        }


class SpecialistPanel(HomePanel):
    order = 10
    panel_id = "ww-home-specialist"

    @property
    def heading(self):
        return _("Your questions")

    def lines(self):
        user = self.request.user
        visible = access.staff_questions(user)
        queue = reverse("questions:index")
        return [
            {
                "label": label,
                "count": visible.quick_view(name, user).count(),
                "url": f"{queue}?view={name}",
            }
            for name, label in QUICK_VIEWS.items()
            if name in ("mine", "unassigned", "overdue", "deadline")
        ]

    def items(self):
        since = timezone.now() - timedelta(days=7)
        replies = (
            Message.objects.filter(
                question__in=access.staff_questions(self.request.user).values("pk"),
                author_kind__in=[Message.AuthorKind.REQUESTER, Message.AuthorKind.PROFESSIONAL],
                created_at__gte=since,
            )
            .select_related("question")
            .order_by("-created_at")[:8]
        )
        return _("Recent replies from requesters"), [
            {
                "label": f"{reply.question.reference} · {reply.question.subject}",
                "url": reverse("tickets_workspace", args=[reply.question_id]),
            }
            for reply in replies
        ]


class EditorPanel(HomePanel):
    order = 20
    panel_id = "ww-home-editor"

    @property
    def heading(self):
        return _("Knowledge base work")

    def lines(self):
        from wagtail.models import WorkflowState

        from knowledge import review
        from search.recurring import recurring_without_answer

        groups = recurring_without_answer("question", user=self.request.user, days=90, limit=50)
        return [
            {
                "label": _("Due for legal review"),
                "count": len(review.due_for_review()),
                "url": reverse("knowledge_due_for_review"),
            },
            {
                "label": _("In review"),
                "count": WorkflowState.objects.active().count(),
                "url": reverse("wagtailadmin_reports:workflow"),
            },
            {
                "label": _("Outdated translations"),
                "count": review.outdated_translations().count(),
                "url": reverse("knowledge_outdated_translations"),
            },
            {
                "label": _("Recurring questions without an article"),
                "count": len(groups),
                "url": reverse("search_recurring"),
            },
        ]

    def items(self):
        from search import querylog

        def name(code):
            return languages.language_name(code, own_name=False)

        return _("Top searches with no result (30 days)"), [
            {"label": f"{query} ({name(language)}) · {count}×", "url": ""}
            for query, language, count in querylog.top_without_result(limit=8)
        ]

    def more_items(self):
        from knowledge import reads

        today = timezone.localdate()
        found = reads.read_but_not_helpful(today - timedelta(days=29), today, limit=8)
        return [
            (
                _("Read often, found helpful seldom (30 days)"),
                [
                    {
                        "label": _(
                            "%(title)s (%(language)s): read %(reads)s×, helpful %(helpful)s×, "
                            "not helpful %(not_helpful)s×"
                        )
                        % {
                            "title": line["article"].title,
                            "language": languages.language_name(
                                line["article"].locale.language_code, own_name=False
                            ),
                            "reads": line["reads"],
                            "helpful": line["helpful"],
                            "not_helpful": line["not_helpful"],
                        },
                        "url": reverse("wagtailadmin_pages:edit", args=[line["article"].pk]),
                    }
                    for line in found
                ],
            )
        ]


class CoordinatorPanel(HomePanel):
    order = 5
    panel_id = "ww-home-coordinator"

    @property
    def heading(self):
        return _("Last 30 days")

    def lines(self):
        today = timezone.localdate()
        period = figures.Filters(start=today - timedelta(days=29), end=today)
        headline = figures.compute(self.request.user, period, sections="overview").headline()
        dashboard = reverse("tickets_dashboard")
        queue = reverse("questions:index")
        wanted = [
            ("received", _("Questions received"), dashboard),
            ("answered", _("Questions answered"), dashboard),
            ("open", _("Open now"), dashboard),
            ("overdue", _("Overdue now"), f"{queue}?view=overdue"),
            ("first_within", _("First response within the service level"), dashboard),
        ]
        return [
            {"label": label, "count": str(headline[key]), "url": url} for key, label, url in wanted
        ]

    def items(self):
        from tickets import policy_signals

        signals = policy_signals.new_for(self.request.user)[:8]
        return _("New policy signals"), [
            {"label": str(signal), "url": reverse("tickets_signal", args=[signal.pk])}
            for signal in signals
        ]


def panels_for(request) -> list[HomePanel]:
    user = request.user
    held = roles.user_roles(user)
    panels = []
    if user.is_superuser or roles.COORDINATOR in held:
        panels.append(CoordinatorPanel(request))
    if user.is_superuser or roles.SPECIALIST in held or roles.COORDINATOR in held:
        panels.append(SpecialistPanel(request))
    if user.is_superuser or roles.EDITOR in held:
        panels.append(EditorPanel(request))
    return panels
