"""Public views: the newcomer's intake and follow-up, the professional's consults, downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backoffice import roles
from backoffice.audit import record_event
from backoffice.ratelimit import client_key, limit_reached
from search import service as search_service
from tickets import access, lifecycle, notifications
from tickets.access_codes import access_code_matches
from tickets.attachments import check_uploads, name_for_type, private_storage
from tickets.intake import fragments, progress, staging, submissions
from tickets.intake.forms import AskForm, ConsultForm, FollowUpForm, LostCodeForm, ReplyForm
from tickets.models import Attachment, Message, Question, RequesterKind, Status

DONE_SESSION_KEY = "question_just_created"
HOUR = 3600


def _language():
    return translation.get_language() or settings.LANGUAGE_CODE


def _keep_valid_uploads(request, form):
    """After a form error, keep what can be kept of the new uploads (see tickets.intake.staging)."""
    uploads = request.FILES.getlist("files")
    keepable = []
    reported = set(form.errors.get("files", []))
    for upload in uploads:
        try:
            keepable.extend(check_uploads([upload]))
        except ValidationError as error:
            # A file the intake service already refused is reported once, not twice.
            new = [message for message in error.messages if message not in reported]
            reported.update(new)
            if new:
                form.add_error("files", new)
    refused = staging.stage(request, keepable, offered=len(uploads))
    if refused and refused not in form.errors.get("files", []):
        form.add_error("files", refused)


def _create_from_form(request, form, **extra):
    """Run the intake service for a valid form; return the question or None (errors on form)."""
    kept_tokens = request.POST.getlist("kept_files")
    files = request.FILES.getlist("files") + staging.open_staged(request, kept_tokens)
    data = form.cleaned_data
    try:
        created = lifecycle.create_question(
            legal_domain=data["legal_domain"],
            subject=data["subject"],
            body=data["body"],
            contact_language=data["contact_language"],
            municipality=data.get("municipality"),
            region=data.get("region"),
            legal_deadline=data.get("legal_deadline"),
            files=files,
            submission_token=data["submission_token"],
            request=request,
            **extra,
        )
    except IntegrityError:
        # The same form was submitted twice: the first submission made the question, and this
        # response shows its reference and code again (tickets.intake.submissions).
        existing, code = submissions.sent_before(data["submission_token"])
        if existing is None:
            raise
        return existing, code
    except ValidationError as error:
        form.add_error("files" if getattr(error, "code", None) is None else None, error)
        _keep_valid_uploads(request, form)
        return None, None
    finally:
        for handle in files:
            handle.close()
    staging.clear(request)
    return created.question, created.access_code


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request):
    language = _language()
    if request.method == "GET":
        form = AskForm(
            initial=AskForm.initial_for(
                language, request.GET.get("domain", ""), request.GET.get("question", "")
            )
        )
        return render(request, "tickets/ask.html", {"form": form, "kept_files": []})

    if request.POST.get("check_kb"):
        return _check_knowledge_base(request, language, AskForm, "tickets/ask.html")
    form = AskForm(request.POST, request.FILES)
    if not form.is_valid():
        _keep_valid_uploads(request, form)
    elif form.cleaned_data["website"]:
        form.add_error(None, _("Your question could not be sent. Please try again."))
    elif limit_reached("intake", client_key(request), settings.INTAKE_LIMIT_PER_HOUR, HOUR):
        form.add_error(
            None,
            _(
                "Many questions were sent from this connection. Please try again "
                "in an hour; what you wrote is still here."
            ),
        )  # a refused request keeps no files (tickets.intake.staging)
    else:
        question, code = _create_from_form(
            request,
            form,
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            processing_consent=form.cleaned_data["processing_consent"],
        )
        if question is not None:
            if code is not None:
                request.session[DONE_SESSION_KEY] = {"reference": question.reference, "code": code}
                access.open_in_session(request, question)
            return redirect("tickets:ask_done")
    return render(
        request,
        "tickets/ask.html",
        {"form": form, "kept_files": staging.staged_list(request)},
        status=400,
    )


def _check_knowledge_base(request, language, form_class, template, **context):
    """The no-JavaScript path of the live suggestions (on the newcomer's and the professional's
    form): show the articles that may answer what was typed, with the form as it was (nothing
    is sent, nothing is checked yet)."""
    kept = []
    for upload in request.FILES.getlist("files"):
        try:
            kept.extend(check_uploads([upload]))
        except ValidationError:
            continue  # a file we cannot take is reported when the question is sent
    staging.stage(request, kept)
    form = form_class(initial={**form_class.initial_for(language), **request.POST.dict()})
    text = f"{request.POST.get('subject', '')}\n{request.POST.get('body', '')}"
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "kept_files": staging.staged_list(request),
            "suggestions": search_service.suggest(text, language, request.user),
            "asked": bool(text.strip()),
        },
    )


@never_cache
def ask_done(request):
    """Shows the reference and the code once; a reload shows only the reference."""
    just_created = request.session.pop(DONE_SESSION_KEY, None)
    question = None
    if just_created:
        question = Question.objects.filter(reference=just_created["reference"]).first()
    return render(
        request,
        "tickets/ask_done.html",
        {
            "created": just_created,
            "question": question,
            "expected_answer": progress.expected_answer_date(question) if question else None,
        },
    )


def _follow_up_redirect(question):
    return redirect("tickets:follow_up_question", reference=question.reference)


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request):
    """Open a question with its reference and code, or with a one-click link's token (POSTed
    by a small script from the URL fragment, so the secret never appears in a server log)."""
    # Bound on every POST, also an empty one, so that it says which fields are missing.
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limit_reached(
            "follow-up", client_key(request), settings.FOLLOW_UP_ATTEMPTS_PER_15_MIN, 900
        ):
            form = FollowUpForm(request.POST)
            form.is_valid()
            form.add_error(None, _("Too many attempts. Wait a quarter of an hour and try again."))
            return render(request, "tickets/follow_up.html", {"form": form}, status=429)
        token = request.POST.get("link", "")
        if token:
            question, state = notifications.spend_sign_in_link(token)
            if question is not None:
                access.open_in_session(request, question)
                record_event(
                    "question.requester_open",
                    request=request,
                    actor_label="requester",
                    target=question,
                    details={"via": "link"},
                )
                return _follow_up_redirect(question)
            if state == "used":
                message = _(
                    "This link has already been used: for your privacy a link opens your "
                    "question only once. Ask for a new link, or use your reference and code."
                )
            else:
                message = _(
                    "This link is no longer valid. Use your reference and code, "
                    "or ask for a new link."
                )
            return render(
                request,
                "tickets/follow_up.html",
                {"form": FollowUpForm(), "link_error": message},
                status=400,
            )
        elif form.is_valid():
            question = Question.objects.filter(
                reference=form.cleaned_data["reference"], requester_kind=RequesterKind.NEWCOMER
            ).first()
            stored = question.access_code_hash if question else ""
            if access_code_matches(form.cleaned_data["code"], stored) and question:
                access.open_in_session(request, question)
                record_event(
                    "question.requester_open",
                    request=request,
                    actor_label="requester",
                    target=question,
                    details={"via": "code"},
                )
                return _follow_up_redirect(question)
            form.add_error(
                None, _("This reference and code do not match. Check them and try again.")
            )
        return render(request, "tickets/follow_up.html", {"form": form}, status=400)
    return render(request, "tickets/follow_up.html", {"form": form})


def _requester_question(request, reference):
    question = fragments.requester_question(reference.upper())
    if question is None or not access.opened_in_session(request, question):
        return None
    return question


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up_question(request, reference):
    question = _requester_question(request, reference)
    if question is None:
        return redirect("tickets:follow_up")
    reply_form = ReplyForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reply":
            reply_form, sent = _post_reply(request, question, Message.AuthorKind.REQUESTER)
            if sent:
                return _follow_up_redirect(question)
        elif action == "solved" and question.status != Status.CLOSED:
            lifecycle.mark_solved(
                question, actor_kind=Message.AuthorKind.REQUESTER, request=request
            )
            messages.success(
                request,
                _("Thank you. Your question is closed. You can still write if something changes."),
            )
            return _follow_up_redirect(question)
        elif action in ("helpful", "not_helpful"):
            try:
                lifecycle.record_feedback(question, helpful=action == "helpful", request=request)
            except ValidationError as error:
                messages.info(request, error.messages[0])
            else:
                messages.success(request, _("Thank you for telling us."))
            return _follow_up_redirect(question)
    if access.requester_view_to_record(request, question):
        record_event(
            "question.requester_view", request=request, actor_label="requester", target=question
        )
    return _render_follow_up(request, question, reply_form)


@require_http_methods(["POST"])
def follow_up_sign_out(request):
    """End the newcomer's follow-up session (the questions opened with a code or link)."""
    access.end_follow_up(request)
    messages.success(
        request,
        _("You are signed out. Use your reference and code to open your question again."),
    )
    return redirect("tickets:follow_up")


@never_cache
@require_http_methods(["GET", "POST"])
def lost_code(request):
    """Send a new one-click link to the address given with the question. The answer is the
    same whether or not the reference or address exist."""
    form = LostCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not limit_reached("lost-code", client_key(request), 5, HOUR):
            notifications.request_new_link(
                form.cleaned_data["reference"], form.cleaned_data["email"]
            )
        return render(request, "tickets/lost_code.html", {"sent": True})
    return render(
        request, "tickets/lost_code.html", {"form": form}, status=400 if form.errors else 200
    )


def _is_professional(user):
    return user.groups.filter(name=roles.PROFESSIONAL).exists()


@never_cache
@login_required
def pro_home(request):
    if not _is_professional(request.user):
        raise PermissionDenied
    consults = access.professional_questions(request.user).select_related(
        "legal_domain", "professional"
    )
    status = request.GET.get("status", "")
    domain = request.GET.get("domain", "")
    if status in Status.values:
        consults = consults.filter(status=status)
    if domain.isdigit():
        consults = consults.filter(legal_domain_id=int(domain))
    from backoffice.models import LegalDomain

    return render(
        request,
        "tickets/pro_home.html",
        {
            "consults": consults[:200],
            "statuses": Status.choices,
            "domains": LegalDomain.objects.filter(is_active=True),
            "selected_status": status,
            "selected_domain": domain,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pro_new_consult(request):
    if not _is_professional(request.user):
        raise PermissionDenied
    organisation = request.user.profile.organisation
    if request.method == "GET":
        initial = {
            **AskForm.initial_for(_language()),
            "region": organisation.region if organisation else None,
            "municipality": organisation.municipality if organisation else None,
        }
        return render(
            request,
            "tickets/pro_consult_form.html",
            {"form": ConsultForm(initial=initial), "kept_files": [], "organisation": organisation},
        )
    if request.POST.get("check_kb"):
        return _check_knowledge_base(
            request,
            _language(),
            ConsultForm,
            "tickets/pro_consult_form.html",
            organisation=organisation,
        )
    form = ConsultForm(request.POST, request.FILES)
    if form.is_valid():
        question, _code = _create_from_form(
            request,
            form,
            processing_consent=True,
            professional=request.user,
            client_pseudonym=form.cleaned_data["client_pseudonym"],
            client_consent=form.cleaned_data["client_consent"],
        )
        if question is not None:
            messages.success(
                request,
                _("Your consult %(reference)s was sent.") % {"reference": question.reference},
            )
            return redirect("tickets:pro_consult", reference=question.reference)
    else:
        _keep_valid_uploads(request, form)
    return render(
        request,
        "tickets/pro_consult_form.html",
        {"form": form, "kept_files": staging.staged_list(request), "organisation": organisation},
        status=400,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pro_consult(request, reference):
    question = get_object_or_404(
        access.professional_questions(request.user), reference=reference.upper()
    )
    reply_form = ReplyForm()
    if request.method == "POST":
        reply_form, sent = _post_reply(
            request, question, Message.AuthorKind.PROFESSIONAL, author=request.user
        )
        if sent:
            return redirect("tickets:pro_consult", reference=question.reference)
    record_event("question.professional_view", request=request, target=question)
    return _render_thread(request, "tickets/pro_consult.html", question, reply_form)


def _post_reply(request, question, author_kind, author=None):
    """Add the posted reply through the lifecycle service; return (form, whether it was sent)."""
    reply_form = ReplyForm(request.POST, request.FILES)
    if not reply_form.is_valid():
        return reply_form, False
    try:
        lifecycle.add_message(
            question,
            body=reply_form.cleaned_data["body"],
            author_kind=author_kind,
            author=author,
            files=reply_form.cleaned_data["files"],
            request=request,
        )
    except ValidationError as error:
        reply_form.add_error("files", error)
        return reply_form, False
    messages.success(request, _("Your message was sent."))
    return reply_form, True


def _render_thread(request, template, question, reply_form):
    """A question with its public thread (never internal notes) and a reply form."""
    context = _thread_context(question, reply_form)
    return render(request, template, context, status=400 if reply_form.errors else 200)


def _render_follow_up(request, question, reply_form):
    """The follow-up page; its part below the title kept rendered while the question, its
    thread and the language stay the same, and the reply form is empty
    (tickets.intake.fragments)."""
    key = None if reply_form.is_bound else fragments.key(question, _language())
    if key is None:
        return _render_thread(request, "tickets/follow_up_question.html", question, reply_form)
    html = fragments.kept.get(key)
    if html is None:
        context = _thread_context(question, reply_form)
        context["csrf_token"] = fragments.CSRF_PLACEHOLDER
        context["municipality_options_later"] = True
        html = render_to_string("tickets/_follow_up_content.html", context, request=request)
        fragments.kept.put(key, html)
    content = mark_safe(fragments.fill(html, request))  # noqa: S308 - rendered by our template
    return render(
        request, "tickets/follow_up_question.html", {"question": question, "content": content}
    )


def _thread_context(question, reply_form) -> dict:
    thread = list(question.messages.filter(kind=Message.Kind.PUBLIC))
    # The question's own files and those of its public messages, in one query.
    files = {message.pk: [] for message in thread}
    question_files = []
    for attachment in question.attachments.filter(
        Q(message__isnull=True) | Q(message_id__in=list(files))
    ):
        if attachment.message_id is None:
            question_files.append(attachment)
        else:
            files[attachment.message_id].append(attachment)
    for message in thread:
        message.files = files[message.pk]
    return {
        "question": question,
        "thread": thread,
        "question_files": question_files,
        "reply_form": reply_form,
        "follow_up_minutes": settings.FOLLOW_UP_SESSION_MINUTES,
        "timeline": progress.timeline(question),
        "expected_answer": progress.expected_answer_date(question),
        "can_give_feedback": lifecycle.can_give_feedback(question),
    }


@never_cache
def download_attachment(request, pk):
    """Files are only ever served here: access checked, every download audited."""
    attachment = Attachment.objects.select_related("question", "message").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    question = attachment.question
    internal = attachment.message is not None and attachment.message.kind == Message.Kind.INTERNAL
    allowed = (
        access.can_see_internal(request.user, question)
        if internal
        else access.can_see_public_thread(request, question)
    )
    if not allowed:
        raise Http404  # the same answer as for a file that does not exist
    record_event(
        "attachment.download",
        request=request,
        actor_label="" if request.user.is_authenticated else "requester",
        target=question,
        details={"attachment": attachment.pk},
    )
    response = FileResponse(
        private_storage.open(attachment.stored_name, "rb"),
        as_attachment=True,
        # Named for its checked content type, also for files kept before names were checked.
        filename=name_for_type(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
