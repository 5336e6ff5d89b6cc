""" "We are moving": the requester (follow-up page) or the professional (consult page) says
the family moves to another municipality. The rules are in tickets.referrals.moving."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tickets.models import Question, RequesterKind
from tickets.referrals import moving


def _back_url(question) -> str:
    if question.requester_kind == RequesterKind.PROFESSIONAL:
        return reverse("tickets:pro_consult", args=[question.reference])
    return reverse("tickets:follow_up_question", args=[question.reference])


@never_cache
def say_moving(request, reference):
    """GET: the form on its own; POST: record the move, or show the form again with what was
    typed and why it was refused."""
    question = Question.objects.filter(reference=reference.upper()).first()
    if question is None or not moving.may_say(request, question):
        raise Http404  # the same answer for a stranger as for a missing question
    form = moving.MovingForm(request.POST or None, auto_id="moving_%s")
    if request.method == "POST" and form.is_valid():
        moving.record_move(
            question,
            form.cleaned_data["municipality"],
            form.cleaned_data["moving_on"],
            request=request,
        )
        messages.success(request, _("Thank you. We told the team about your move."))
        return redirect(_back_url(question))
    context = {
        "question": question,
        "form": form,
        "municipalities": moving.municipality_names(),
        "back": _back_url(question),
    }
    return render(request, "tickets/moving.html", context, status=400 if form.errors else 200)
