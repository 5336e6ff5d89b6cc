"""What the privacy panels need, so the views that include them pass nothing."""

from django import template

from tickets.privacy import retention

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_panel(context, question) -> dict:
    """For the workspace: the legal hold and a pending erasure request of this question."""
    gathered = context.get("side_panels")
    if gathered and gathered["question_pk"] == question.pk and "privacy" in gathered:
        return gathered["privacy"]
    return privacy_data(context["request"].user, question)


def privacy_data(user, question, absent=frozenset()) -> dict:
    """`absent`: the question's relations the caller knows to be empty, not read again."""
    return {
        "can_manage": retention.can_manage(user),
        "can_decide": retention.can_decide(user, question),
        "hold": None if "legal_holds" in absent else retention.active_hold(question),
        "pending": None if "erasure_requests" in absent else retention.pending_erasure(question),
    }


@register.simple_tag
def erasure_state(question):
    """For the requester's pages: their latest erasure request, if any."""
    if getattr(question, "has_erasure_requests", True) is False:  # tickets.intake.progress
        return None
    return retention.latest_erasure(question)
