"""Promotion: turning a good answer into a draft knowledge base article.

The answer's personal data is removed (tickets.redaction), the knowledge base makes the draft
and starts "Legal review", and the link between question and article is kept here, in tickets.
An editor always reviews the text before anything is published.

This module holds the rules; the workspace's "Propose as article" endpoint is in
tickets.promotion.views, the record in tickets.models.promotion.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.audit import record_event
from knowledge.promotion import create_article_draft
from tickets import access, redaction
from tickets.models import ArticleProposal, Message, Status

PROMOTABLE_STATUSES = (Status.ANSWERED, Status.CLOSED)


def promotable_answer(question) -> Message | None:
    """The latest public staff reply: the answer an article would be made from."""
    return (
        question.messages.filter(kind=Message.Kind.PUBLIC, author_kind=Message.AuthorKind.STAFF)
        .order_by("-created_at", "-pk")
        .first()
    )


def can_propose(question) -> bool:
    """Whether the workspace offers "Propose as article" (the service checks again)."""
    return question.status in PROMOTABLE_STATUSES


def _known_names(question, answer) -> list[str]:
    names = [question.client_pseudonym]
    for user in (question.professional, answer.author):
        if user is not None:
            names += [user.get_full_name(), user.first_name, user.last_name]
    return [name for name in names if name]


@transaction.atomic
def propose_article(question, *, user, request=None) -> ArticleProposal:
    """Make a draft article from the question's answer (once per question)."""
    if not access.staff_questions(user).filter(pk=question.pk).exists():
        raise ValidationError(_("You cannot see this question."), code="not_visible")
    existing = ArticleProposal.objects.filter(question=question).select_related("article").first()
    if existing is not None:
        return existing
    if not can_propose(question):
        raise ValidationError(
            _("Only an answered question can be proposed as an article."), code="not_answered"
        )
    answer = promotable_answer(question)
    if answer is None:
        raise ValidationError(_("This question has no public answer yet."), code="no_answer")
    names = [
        *_known_names(question, answer),
        *redaction.cued_names(question.subject, question.body, answer.body),
    ]
    subject, subject_findings = redaction.redact(question.subject, names)
    body, findings = redaction.redact(answer.body, names)
    article = create_article_draft(
        domain=question.legal_domain,
        language_code=question.contact_language,
        title=subject,
        body_markdown=body,
        user=user,
    )
    proposal = ArticleProposal.objects.create(
        question=question,
        article=article,
        proposed_by=user,
        redactions=len(findings) + len(subject_findings),
    )
    record_event(
        "question.promoted",
        request=request,
        actor=user,
        target=question,
        details={"article": article.pk, "redactions": proposal.redactions},
    )
    return proposal
