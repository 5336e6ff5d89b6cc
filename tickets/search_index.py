"""What the search service indexes of questions, and who may find them.

The visibility rule is tickets.access.staff_questions: the database backend applies that very
queryset inside its query; for Elasticsearch it is turned into the regions that hold at least
one visible question, and with SPECIALISTS_SEE_ONLY_THEIR_DOMAINS also into the legal domains
that do (the search contract test checks that both backends show each role the same questions).
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
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
        # An anonymised question has no text left to find (tickets.anonymisation removes it).
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
        queryset = access.staff_questions(user)
        if queryset.query.is_empty():
            return Visibility.none()
        if not queryset.query.where:  # every question
            return Visibility.everything()
        regions = Region.objects.filter(
            Exists(queryset.order_by().filter(region=OuterRef("pk")))
        ).values_list("pk", flat=True)
        terms = {"region": [str(pk) for pk in regions]}
        if settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS:
            # The rule is then regions x legal domains: both as terms, or Elasticsearch would
            # show a narrowed specialist the other domains of their regions.
            domains = LegalDomain.objects.filter(
                Exists(queryset.order_by().filter(legal_domain=OuterRef("pk")))
            ).values_list("slug", flat=True)
            terms["legal_domain"] = list(domains)
        return Visibility(queryset=queryset, terms=terms)

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
