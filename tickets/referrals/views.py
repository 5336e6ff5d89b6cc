"""Referrals to directory services: the warm handover and the recorded receipt (staff, in the
workspace), and the one-time link a service opens to confirm it received the question."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import access, referrals
from tickets.documents import handover
from tickets.models import Referral


def _staff_referral(request, pk, referral_id) -> Referral:
    referral = (
        Referral.objects.filter(pk=referral_id, question_id=pk)
        .select_related("question", "service")
        .first()
    )
    if referral is None or not access.can_hand_over(request.user, referral.question):
        raise Http404
    return referral


@require_POST
def refer_warm(request, pk, referral_id):
    referral = _staff_referral(request, pk, referral_id)
    consent_id = request.POST.get("consent", "")
    consent = (
        handover.unused_consents(referral.question).filter(pk=consent_id).first()
        if consent_id.isdigit()
        else None
    )
    try:
        _referral, token = referrals.refer_warm(
            referral,
            consent=consent,
            actor=request.user,
            include_internal=request.POST.get("include_internal") == "on",
            language=referral.question.contact_language
            if referral.question.contact_language in ("nl", "fr", "en", "ar", "uk")
            else "nl",
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        link = request.build_absolute_uri(reverse("tickets:referral_receipt", args=[token]))
        messages.success(
            request,
            _(
                "Handed over to %(service)s with the case file. Send them this one-time link to "
                "confirm they received it (it is shown only now): %(link)s"
            )
            % {"service": referral.service_name, "link": link},
        )
    return redirect("tickets_workspace", pk=pk)


@require_POST
def record_receipt(request, pk, referral_id):
    referral = _staff_referral(request, pk, referral_id)
    try:
        referrals.record_receipt(
            referral, actor=request.user, note=request.POST.get("note", ""), request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Receipt recorded."))
    return redirect("tickets_workspace", pk=pk)


def referral_receipt(request, token):
    """The service's one-time link: shows the reference, confirms on POST, then is spent."""
    if request.method == "POST":
        referral = referrals.confirm_receipt(token, request=request)
        if referral is None:
            raise Http404
        return render(request, "tickets/referral_receipt.html", {"confirmed": referral})
    referral = referrals.referral_for_token(token)
    if referral is None:
        raise Http404
    return render(request, "tickets/referral_receipt.html", {"referral": referral})
