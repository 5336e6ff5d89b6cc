"""Adding and removing contacts of a question's support network: the specialist in the
workspace, the professional on their consult page. The rules are in tickets.referrals.network."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets import access
from tickets.models import Question, SupportContact
from tickets.referrals import network


def _back(question, staff: bool):
    if staff:
        return redirect("tickets_workspace", pk=question.pk)
    return redirect("tickets:pro_consult", reference=question.reference)


def _staff_question(request, pk):
    question = Question.objects.filter(pk=pk).first()
    if question is None or not network.may_edit(request.user, question):
        raise Http404
    return question


def _pro_question(request, reference):
    return get_object_or_404(
        access.professional_questions(request.user), reference=reference.upper()
    )


def _add(request, question, staff):
    form = network.SupportContactForm(request.POST)
    if form.is_valid():
        network.add_contact(question, form, actor=request.user, request=request)
        messages.success(request, _("Contact added to the support network."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _back(question, staff)


def _remove(request, question, contact_id, staff):
    contact = get_object_or_404(SupportContact, pk=contact_id, question=question)
    network.remove_contact(contact, actor=request.user, request=request)
    messages.success(request, _("Contact removed from the support network."))
    return _back(question, staff)


@require_POST
def staff_add(request, pk):
    return _add(request, _staff_question(request, pk), staff=True)


@require_POST
def staff_remove(request, pk, contact_id):
    return _remove(request, _staff_question(request, pk), contact_id, staff=True)


@login_required
@require_POST
def pro_add(request, reference):
    return _add(request, _pro_question(request, reference), staff=False)


@login_required
@require_POST
def pro_remove(request, reference, contact_id):
    return _remove(request, _pro_question(request, reference), contact_id, staff=False)
