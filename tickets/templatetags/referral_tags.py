"""Referrals of a question, for the workspace and the requester's follow-up page."""

import functools

from django import template
from django.db import connections, router
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from backoffice.db.prepared import Prepared
from tickets import access, referrals
from tickets.documents import handover

register = template.Library()


@register.simple_tag
def requester_referrals(question):
    if getattr(question, "has_referrals", True) is False:  # tickets.intake.progress
        return []
    return referrals.for_requester(question)


@register.simple_tag(takes_context=True)
def staff_referrals(context, question):
    gathered = context.get("side_panels")
    if gathered and gathered["question_pk"] == question.pk and "referrals" in gathered:
        return gathered["referrals"]
    request = context.get("request")
    return referral_rows(getattr(request, "user", None), question)


def referral_rows(user, question, consents=None, absent=frozenset()):
    """`consents`: the unused handover consents when the caller read them already; else the
    first is read only when there are referrals to act on. `absent`: the question's relations
    the caller knows to be empty (tickets.workspace.panels.absent_relations), not read again."""
    found = [] if "referrals" in absent else list(question.referrals.select_related("service"))
    can_act = bool(user) and bool(found) and access.can_hand_over(user, question)
    consent = None
    if can_act:
        consent = consents[0] if consents else None
        if consents is None:
            consent = handover.unused_consents(question).first()
    return [{"referral": referral, "can_act": can_act, "consent": consent} for referral in found]


@register.simple_tag(takes_context=True)
def support_network(context, question):
    gathered = context.get("side_panels")
    if gathered and gathered["question_pk"] == question.pk and "network" in gathered:
        return gathered["network"]
    request = context.get("request")
    return network_data(getattr(request, "user", None), question)


def network_data(user, question, absent=frozenset(), generation=None):
    """`generation`: the content generation the caller read (the workspace): the empty form's
    fields are then shown as kept (tickets.workspace.kept_fields)."""
    from tickets.referrals import network
    from tickets.workspace import kept_fields

    can_edit = user is not None and network.may_edit(user, question)
    kept = can_edit and generation is not None

    def form():
        return network.SupportContactForm(auto_id=kept_fields.NETWORK_AUTO_ID)

    return {
        "contacts": [] if "support_contacts" in absent else network.contacts(question),
        "can_edit": can_edit,
        "form": (SimpleLazyObject(form) if kept else form()) if can_edit else None,
        "form_html": kept_fields.network_fields(generation) if kept else "",
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


@register.simple_tag(takes_context=True)
def moving_form(context):
    """The empty "we are moving" form of the follow-up and consult pages. In the part of the
    follow-up page that is kept rendered (tickets.intake.fragments), the suggestions are a
    placeholder, filled in with the current municipalities at each request."""
    from tickets.intake.fragments import OPTIONS_PLACEHOLDER
    from tickets.referrals.moving import MovingForm

    if context.get("municipality_options_later"):
        options = mark_safe(OPTIONS_PLACEHOLDER)  # noqa: S308 - a constant of ours
    else:
        options = municipality_options()
    return {"form": MovingForm(auto_id="moving_%s"), "options": options}


def _names_query():
    from backoffice.models import Municipality

    return Municipality.objects.order_by("name").values_list("name")


_NAMES = Prepared(_names_query)


def municipality_options() -> str:
    """The <option>s of the moving form's <datalist>, for the current municipalities (the
    names of tickets.referrals.moving.municipality_names, read with SQL built once)."""
    from backoffice.models import Municipality

    alias = router.db_for_read(Municipality)
    with connections[alias].cursor() as cursor:
        cursor.execute(*_NAMES.sql(alias))
        names = tuple(name for (name,) in cursor.fetchall())
    return _options(names)


@functools.lru_cache(maxsize=4)
def _options(names: tuple) -> str:
    """The <option>s of the municipalities' <datalist>, written once per list (some 300 names
    in Flanders and Brussels: a template loop over them cost a millisecond per page)."""
    return format_html_join("", '<option value="{}">', ((name,) for name in names))
