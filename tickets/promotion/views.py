"""Admin endpoint of promotion: "Propose as article" in the workspace."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import access, promotion


@require_POST
def propose_article(request, pk):
    question = access.staff_questions(request.user).filter(pk=pk).first()
    if question is None or not request.user.has_perm("tickets.change_question"):
        raise Http404
    try:
        proposal = promotion.propose_article(question, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tickets_workspace", pk=question.pk)
    messages.success(
        request,
        _(
            "A draft article was made from the answer, with personal data removed, and sent to "
            "the editors for legal review."
        ),
    )
    return redirect("tickets_workspace", pk=proposal.question_id)
