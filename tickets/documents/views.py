"""Views for documents and handover: the specialist's exports and handovers (Wagtail admin),
the requester's dossier and handover consent (public site), and the generated files.

Every view checks permission in tickets.access and every generation is audited (in
tickets.documents.jobs and tickets.documents.handover)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from backoffice.audit import record_event
from backoffice.models import Region
from tickets import access
from tickets.attachments import private_storage
from tickets.documents import handover, jobs
from tickets.documents.builders import document_language
from tickets.models import GeneratedDocument, Message, Question, RequesterKind

Kind = GeneratedDocument.Kind
Audience = GeneratedDocument.Audience


# --- staff (Wagtail admin) ---------------------------------------------------------------


def _staff_question(request, pk, check) -> Question:
    question = Question.objects.filter(pk=pk).select_related("region").first()
    if question is None or not check(request.user, question):
        raise Http404  # the same answer outside one's regions as for a missing question
    return question


def _workspace(question):
    return redirect("tickets_workspace", pk=question.pk)


def _after_request(request, document, workspace_question):
    if document.state == GeneratedDocument.State.DONE:
        return redirect("tickets_document_file", pk=document.pk)
    if document.state == GeneratedDocument.State.FAILED:
        messages.error(request, _("The document could not be made. Try again or tell support."))
        return _workspace(workspace_question)
    return redirect("tickets_document", pk=document.pk)


@require_POST
def export_letter(request, pk):
    question = _staff_question(request, pk, access.can_export)
    answers = question.messages.filter(
        kind=Message.Kind.PUBLIC, author_kind=Message.AuthorKind.STAFF
    ).order_by("-created_at", "-pk")
    chosen = request.POST.get("message", "")
    answer = answers.filter(pk=chosen).first() if chosen.isdigit() else answers.first()
    if answer is None:
        messages.error(request, _("There is no public answer to put in a letter yet."))
        return _workspace(question)
    document = jobs.request_document(
        question,
        kind=Kind.ANSWER_LETTER,
        audience=Audience.STAFF,
        language=question.contact_language,
        requested_by=request.user,
        message=answer,
        request=request,
    )
    return _after_request(request, document, question)


@require_POST
def export_case_file(request, pk):
    question = _staff_question(request, pk, access.can_export)
    document = jobs.request_document(
        question,
        kind=Kind.CASE_FILE,
        audience=Audience.STAFF,
        language=request.POST.get("language") or translation.get_language(),
        requested_by=request.user,
        include_internal=request.POST.get("include_internal") == "1",
        request=request,
    )
    return _after_request(request, document, question)


class StaffConsentForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How was consent given?"),
        max_length=300,
        help_text=gettext_lazy("For example: by phone on 3 March, with an interpreter."),
    )


@require_POST
def record_consent(request, pk):
    question = _staff_question(request, pk, access.can_hand_over)
    try:
        handover.record_consent(
            question,
            given_by=Message.AuthorKind.PROFESSIONAL
            if question.requester_kind == RequesterKind.PROFESSIONAL
            else Message.AuthorKind.REQUESTER,
            recorded_by=request.user,
            note=request.POST.get("note", ""),
            language=question.contact_language,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consent to a handover recorded."))
    return _workspace(question)


def _consent(question, request):
    consent_id = request.POST.get("consent", "")
    if not consent_id.isdigit():
        return None
    return handover.unused_consents(question).filter(pk=consent_id).first()


@require_POST
def transfer(request, pk):
    question = _staff_question(request, pk, access.can_hand_over)
    region_id = request.POST.get("region", "")
    to_region = Region.objects.filter(pk=region_id).first() if region_id.isdigit() else None
    try:
        handover.transfer_to_region(
            question,
            to_region=to_region,
            consent=_consent(question, request),
            actor=request.user,
            note=request.POST.get("note", ""),
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _workspace(question)
    messages.success(
        request,
        _("%(reference)s was handed over to %(region)s.")
        % {"reference": question.reference, "region": to_region},
    )
    if access.staff_questions(request.user).filter(pk=question.pk).exists():
        return _workspace(question)
    return redirect("tickets_read_only", pk=question.pk)


@require_POST
def hand_over_external(request, pk):
    question = _staff_question(request, pk, access.can_hand_over)
    try:
        _handover, document = handover.hand_over_external(
            question,
            recipient_name=request.POST.get("recipient_name", ""),
            recipient_contact=request.POST.get("recipient_contact", ""),
            consent=_consent(question, request),
            actor=request.user,
            include_internal=request.POST.get("include_internal") == "1",
            note=request.POST.get("note", ""),
            language=request.POST.get("language") or translation.get_language(),
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _workspace(question)
    messages.success(request, _("The handover is recorded; here is the case file."))
    return _after_request(request, document, question)


@never_cache
def staff_document(request, pk):
    document = get_object_or_404(GeneratedDocument.objects.select_related("question"), pk=pk)
    if document.audience != Audience.STAFF or not access.can_download_document(request, document):
        raise Http404
    return TemplateResponse(
        request,
        "tickets/admin/document_status.html",
        {"document": document, "header_title": document.question.reference},
    )


@never_cache
def staff_document_file(request, pk):
    document = get_object_or_404(GeneratedDocument.objects.select_related("question"), pk=pk)
    if document.audience != Audience.STAFF:
        raise Http404
    return _serve(request, document)


def handed_over_list(request):
    """Questions my regions handed over in the last HANDOVER_READ_ONLY_DAYS: read only."""
    if not request.user.has_perm("tickets.view_question"):
        raise PermissionDenied
    questions = (
        access.handed_over_questions(request.user)
        .select_related("region", "legal_domain")
        .order_by("-updated_at")
    )
    return TemplateResponse(
        request,
        "tickets/admin/handed_over.html",
        {"questions": questions[:200], "header_title": _("Handed over")},
    )


def read_only(request, pk):
    """A question handed over to another region: its history, without any form."""
    if not request.user.has_perm("tickets.view_question"):
        raise Http404
    question = (
        access.handed_over_questions(request.user)
        .filter(pk=pk)
        .select_related("legal_domain", "region", "municipality")
        .first()
    )
    if question is None:
        if access.staff_questions(request.user).filter(pk=pk).exists():
            return redirect("tickets_workspace", pk=pk)
        raise Http404
    record_event("question.read_only_view", request=request, target=question)
    return TemplateResponse(
        request,
        "tickets/admin/read_only.html",
        {
            "question": question,
            "thread": question.messages.select_related("author").prefetch_related("attachments"),
            "question_files": question.attachments.filter(message__isnull=True),
            "handovers": question.handovers.select_related("from_region", "to_region"),
            "header_title": question.reference,
        },
    )


# --- requester and professional (public site) ----------------------------------------------


def _own_question(request, reference) -> Question:
    question = Question.objects.filter(reference=reference.upper()).first()
    if question is None or not access.can_get_dossier(request, question):
        raise Http404
    return question


def _back(question):
    if question.requester_kind == RequesterKind.PROFESSIONAL:
        return redirect("tickets:pro_consult", reference=question.reference)
    return redirect("tickets:follow_up_question", reference=question.reference)


@require_POST
def request_dossier(request, reference):
    """Everything Wegwijs holds about the question, without internal notes (GDPR access)."""
    question = _own_question(request, reference)
    professional = question.requester_kind == RequesterKind.PROFESSIONAL
    language = translation.get_language() if professional else question.contact_language
    if document_language(language) != language:
        language = translation.get_language()
    document = jobs.request_document(
        question,
        kind=Kind.DOSSIER,
        audience=Audience.PROFESSIONAL if professional else Audience.REQUESTER,
        language=language,
        requested_by=request.user if professional else None,
        request=request,
    )
    if document.state == GeneratedDocument.State.DONE:
        return redirect("tickets:document_file", pk=document.pk)
    return redirect("tickets:document", pk=document.pk)


@require_POST
def give_handover_consent(request, reference):
    question = _own_question(request, reference)
    if request.POST.get("agree") != "1":
        messages.error(request, _("Tick the box to agree."))
        return _back(question)
    professional = question.requester_kind == RequesterKind.PROFESSIONAL
    handover.record_consent(
        question,
        given_by=Message.AuthorKind.PROFESSIONAL if professional else Message.AuthorKind.REQUESTER,
        request=request,
    )
    messages.success(request, _("Thank you. We recorded that you agree."))
    return _back(question)


@never_cache
def public_document(request, pk):
    document = get_object_or_404(GeneratedDocument.objects.select_related("question"), pk=pk)
    if document.audience == Audience.STAFF or not access.can_download_document(request, document):
        raise Http404
    return render(request, "tickets/document_status.html", {"document": document})


@never_cache
def public_document_file(request, pk):
    document = get_object_or_404(GeneratedDocument.objects.select_related("question"), pk=pk)
    if document.audience == Audience.STAFF:
        raise Http404
    return _serve(request, document)


def _serve(request, document):
    if not access.can_download_document(request, document):
        raise Http404
    if document.state != GeneratedDocument.State.DONE or not document.stored_name:
        raise Http404
    if not private_storage.exists(document.stored_name):
        raise Http404  # deleted after GENERATED_DOCUMENT_DAYS
    record_event(
        "document.download",
        request=request,
        actor_label="" if request.user.is_authenticated else document.audience,
        target=document.question,
        details={"document": str(document.pk), "kind": document.kind},
    )
    response = FileResponse(
        private_storage.open(document.stored_name, "rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
