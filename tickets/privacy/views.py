"""Privacy pages: the public privacy statement, the requester's erasure request, and the staff's
privacy desk (erasure decisions, legal holds, the retention report, the record of processing).
The rules are in tickets.privacy.retention; these views only call them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.audit import record_event
from tickets import access
from tickets.models import ErasureRequest, Question, RequesterKind
from tickets.privacy import retention


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you want this? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that after erasure nobody can read my question, its answers or my "
            "files any more, me neither."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


def privacy(request):
    """The privacy statement with the retention periods coordinators set, in plain words."""
    return render(request, "tickets/privacy.html", {"policy": retention.policy()})


def _requesters_question(request, reference) -> Question | None:
    question = Question.objects.filter(reference=reference.upper()).first()
    if question is None:
        return None
    if question.requester_kind == RequesterKind.PROFESSIONAL:
        allowed = access.professional_questions(request.user).filter(pk=question.pk).exists()
    else:
        allowed = access.opened_in_session(request, question)
    return question if allowed else None


@never_cache
@require_http_methods(["GET", "POST"])
def request_erasure(request, reference):
    """Ask to erase a question: the newcomer (opened with their code) or the professional."""
    question = _requesters_question(request, reference)
    if question is None:
        if request.resolver_match.url_name == "pro_erasure" and not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if request.resolver_match.url_name == "pro_erasure":
            raise PermissionDenied
        return redirect("tickets:follow_up")
    form = ErasureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                retention.request_erasure(
                    question, reason=form.cleaned_data["reason"], request=request
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "We received your request. A specialist decides within a few working "
                        "days; you read the decision on this page."
                    ),
                )
                return redirect(request.path)
        status = 400
    return render(
        request,
        "tickets/erasure.html",
        {
            "question": question,
            "form": form,
            "latest": retention.latest_erasure(question),
            "back": reverse(
                "tickets:pro_consult"
                if question.requester_kind == RequesterKind.PROFESSIONAL
                else "tickets:follow_up_question",
                args=[question.reference],
            ),
        },
        status=status,
    )


# --- staff: the privacy desk in the admin


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", gettext_lazy("Erase")), ("refuse", gettext_lazy("Refuse"))],
        widget=forms.RadioSelect,
        label=gettext_lazy("Decision"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for a refusal (the requester reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoldForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


def _staff(request):
    user = request.user
    if not (user.has_perm("tickets.decide_erasure") or user.has_perm("tickets.manage_privacy")):
        raise PermissionDenied
    return user


def desk(request):
    """Erasure requests to decide; for coordinators also the holds and the retention report."""
    user = _staff(request)
    manage = user.has_perm("tickets.manage_privacy")
    record_event("privacy.desk_view", request=request)  # it shows what requesters wrote
    visible = access.staff_questions(user)
    return TemplateResponse(
        request,
        "tickets/admin/privacy_desk.html",
        {
            "header_title": _("Privacy"),
            "pending": retention.pending_erasures(user),
            "decision_form": DecisionForm(),
            "can_manage": manage,
            "holds": (
                retention.LegalHold.objects.filter(
                    released_at__isnull=True, question__in=visible.values("pk")
                ).select_related("question", "placed_by")
                if manage
                else []
            ),
            "report": retention.monthly_report(user) if manage else [],
            "policy": retention.policy(),
            "due_now": sum(map(len, retention.due_ids())) if manage else None,
        },
    )


@require_POST
def decide(request, pk):
    user = _staff(request)
    erasure = get_object_or_404(ErasureRequest, pk=pk)
    if not retention.can_decide(user, erasure.question):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to erase or to refuse."))
        return redirect("tickets_privacy")
    try:
        retention.decide_erasure(
            erasure,
            confirm=form.cleaned_data["decision"] == "confirm",
            reason=form.cleaned_data["reason"],
            actor=user,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision saved. The requester reads it on their page."))
    return redirect(request.POST.get("next") or "tickets_privacy")


@require_POST
def hold(request, pk):
    """Place (reason given) or release a legal hold on a question."""
    user = request.user
    question = access.staff_questions(user).filter(pk=pk).first()
    if question is None or not retention.can_manage(user):
        raise Http404
    try:
        if request.POST.get("action") == "release":
            retention.release_hold(
                question, reason=request.POST.get("reason", ""), actor=user, request=request
            )
            messages.success(request, _("The legal hold is released."))
        else:
            retention.place_hold(
                question, reason=request.POST.get("reason", ""), actor=user, request=request
            )
            messages.success(request, _("The question is on legal hold."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") or reverse("tickets_workspace", args=[pk]))


def record_of_processing(request):
    """The record of processing activities (GDPR art. 30) as DOCX, made from the settings."""
    if not request.user.has_perm("tickets.manage_privacy"):
        raise PermissionDenied
    from tickets.documents.record import record_of_processing as build

    content = build(language=request.LANGUAGE_CODE)
    record_event("privacy.record_download", request=request)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="wegwijs-record-of-processing-{stamp}.docx"'
    )
    return response
