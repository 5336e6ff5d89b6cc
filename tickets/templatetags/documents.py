"""What the documents and handover panels need, so the views that include them pass nothing."""

from django import template

from backoffice.models import Region
from tickets import access
from tickets.documents import handover
from tickets.models import GeneratedDocument, Message

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_panel(context, question) -> dict:
    """For the workspace: the user's exports and handover options for this question."""
    user = context["request"].user
    can_export = access.can_export(user, question)
    can_hand_over = access.can_hand_over(user, question)
    return {
        "can_export": can_export,
        "can_hand_over": can_hand_over,
        "answers": question.messages.filter(
            kind=Message.Kind.PUBLIC, author_kind=Message.AuthorKind.STAFF
        ).order_by("-created_at", "-pk")
        if can_export
        else [],
        "documents": GeneratedDocument.objects.filter(question=question, requested_by=user)[:5]
        if can_export
        else [],
        "consents": handover.unused_consents(question) if can_hand_over else [],
        "regions": Region.objects.filter(is_active=True).exclude(pk=question.region_id)
        if can_hand_over
        else [],
        "handovers": question.handovers.select_related("from_region", "to_region"),
    }


@register.simple_tag
def requester_documents(question) -> dict:
    """For the follow-up and consult pages: consent to a handover not yet used, handovers."""
    return {
        "open_consent": handover.unused_consents(question).first(),
        "may_consent": handover.requester_may_consent(question),
        "consent_text": handover.consent_text(question),
        "handovers": question.handovers.select_related("to_region"),
    }
