"""What the search service indexes of questions, and who may find them.

The visibility rule is tickets.access.staff_scope: the database backend applies its queryset
inside its query; Elasticsearch gets the same scope as facet terms (regions, and legal domains
when specialists see only their domains). The search contract test checks, with that option on
and off, that both backends show each role the same questions.
"""

from django.urls import reverse

from backoffice.models import LegalDomain, Region
from search.registry import Entry, Kind, Visibility, register
from tickets import access
from tickets.models import Message, Question, Status


class QuestionKind(Kind):
    name = "question"
    model = Question
    dependents = {Message: lambda message: message.question}
    answered_by = "article"

    def get_queryset(self):
        return Question.objects.select_related("legal_domain", "region").prefetch_related(
            "messages"
        )

    def should_index(self, question) -> bool:
        # An anonymised question has no text left to find (tickets.privacy.anonymisation
        # removes it).
        return question.anonymised_at is None

    def entry(self, question) -> Entry:
        thread = "\n".join(message.body for message in question.messages.all())
        return Entry(
            title=question.subject,
            text=f"{question.body}\n{thread}\n{question.reference}",
            language=question.contact_language,
            url=reverse("tickets_workspace", args=[question.pk]),
            date=question.created_at,
            facets={
                "legal_domain": [question.legal_domain.slug],
                "status": [question.status],
                "region": [str(question.region_id)],
            },
        )

    def visibility(self, user) -> Visibility:
        if user is None:
            return Visibility.none()
        scope = access.staff_scope(user)
        if scope.nothing:
            return Visibility.none()
        if scope.everything:
            return Visibility.everything()
        return Visibility(
            queryset=scope.questions(), terms=scope.search_terms(), condition=scope.q()
        )

    def facet_label(self, facet, value):
        if facet == "legal_domain":
            domain = LegalDomain.objects.filter(slug=value).first()
            return domain.name if domain else value
        if facet == "region" and value.isdigit():
            region = Region.objects.filter(pk=int(value)).first()
            return region.name if region else value
        if facet == "status":
            return dict(Status.choices).get(value, value)
        return value


def register_kinds():
    register(QuestionKind())
