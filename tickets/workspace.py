"""The specialist's workspace for one question, inside the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit import record_event
from search import registry as search_registry
from search import service as search_service
from tickets import access, lifecycle
from tickets.forms import MultipleFileField
from tickets.models import Message, Status


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message (Markdown)"), widget=forms.Textarea(attrs={"rows": 8})
    )
    internal = forms.TypedChoiceField(
        label=gettext_lazy("Send as"),
        choices=[
            ("0", gettext_lazy("Public reply (the requester reads it)")),
            ("1", gettext_lazy("Internal note (staff only)")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    files = MultipleFileField(label=gettext_lazy("Attachments"))


def related_items(question, user) -> dict:
    """Suggested articles and similar earlier questions with their last public answer, for
    templates/tickets/admin/_related.html (through the search service, within what the user
    may read)."""
    articles = []
    if "article" in search_registry.kinds():
        articles = search_service.similar(question, ["article"], user)
    hits = search_service.similar(question, ["question"], user)
    answers = {
        str(message.question_id): message
        for message in Message.objects.filter(
            question_id__in=[hit.object_id for hit in hits],
            kind=Message.Kind.PUBLIC,
            author_kind=Message.AuthorKind.STAFF,
        ).order_by("created_at")
    }
    return {
        "suggested_articles": articles,
        "similar_questions": [(hit, answers.get(hit.object_id)) for hit in hits],
    }


def workspace(request, pk):
    question = (
        access.staff_questions(request.user)
        .filter(pk=pk)
        .select_related("legal_domain", "region", "municipality", "organisation")
        .first()
    )
    if question is None or not request.user.has_perm("tickets.view_question"):
        raise Http404
    form = StaffMessageForm()
    if request.method == "POST":
        if not request.user.has_perm("tickets.change_question"):
            raise Http404
        target = request.POST.get("status")
        if target:
            try:
                lifecycle.change_status(
                    question, target, actor=request.user, actor_kind="staff", request=request
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Status changed."))
            return redirect("tickets_workspace", pk=question.pk)
        form = StaffMessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                lifecycle.add_message(
                    question,
                    body=form.cleaned_data["body"],
                    author_kind=Message.AuthorKind.STAFF,
                    author=request.user,
                    internal=form.cleaned_data["internal"],
                    files=form.cleaned_data["files"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("tickets_workspace", pk=question.pk)
    else:
        record_event("question.staff_view", request=request, target=question)
    return TemplateResponse(
        request,
        "tickets/admin/workspace.html",
        {
            "question": question,
            "thread": question.messages.select_related("author").prefetch_related("attachments"),
            "question_files": question.attachments.filter(message__isnull=True),
            "consents": question.consents.all(),
            "form": form,
            "statuses": [
                (value, label)
                for value, label in Status.choices
                if value in lifecycle.TRANSITIONS[question.status]
            ],
            "header_title": question.reference,
            **related_items(question, request.user),
        },
        status=400 if form.errors else 200,
    )
