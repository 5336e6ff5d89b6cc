"""Referrals of a question, for the workspace and the requester's follow-up page."""

from django import template

from tickets import access, referrals
from tickets.documents import handover

register = template.Library()


@register.simple_tag
def requester_referrals(question):
    return referrals.for_requester(question)


@register.simple_tag(takes_context=True)
def staff_referrals(context, question):
    request = context.get("request")
    user = getattr(request, "user", None)
    can_act = bool(user) and access.can_hand_over(user, question)
    consent = handover.unused_consents(question).first() if can_act else None
    return [
        {"referral": referral, "can_act": can_act, "consent": consent}
        for referral in question.referrals.select_related("service")
    ]


@register.simple_tag(takes_context=True)
def support_network(context, question):
    from tickets.referrals import network

    request = context.get("request")
    user = getattr(request, "user", None)
    can_edit = user is not None and network.may_edit(user, question)
    return {
        "contacts": network.contacts(question),
        "can_edit": can_edit,
        "form": network.SupportContactForm(auto_id="network_%s") if can_edit else None,
    }


@register.simple_tag(takes_context=True)
def moving_panel(context, question):
    """The workspace's "the family is moving" check, from the ?moving_to= of the page, or else
    from the move the requester or professional reported."""
    from tickets.referrals.moving import moving_plan

    request = context.get("request")
    place = (request.GET.get("moving_to", "") if request is not None else "").strip()[:60]
    if not place:
        if question.moving_to_id is None:
            return {"place": ""}
        # What the requester or professional said (tickets.referrals.moving.record_move).
        return {
            "place": question.moving_to.name,
            "said": True,
            "plan": moving_plan(question, question.moving_to),
        }
    return {"place": place, "plan": moving_plan(question, place)}


@register.simple_tag
def moving_form():
    """The empty "we are moving" form of the follow-up and consult pages."""
    from tickets.referrals.moving import MovingForm, municipality_names

    return {"form": MovingForm(auto_id="moving_%s"), "municipalities": municipality_names()}
