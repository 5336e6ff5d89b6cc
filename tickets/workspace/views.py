"""The workspace's views: the page, and one view class per action on the question. Each action
parses its input with a form, calls the lifecycle service (tickets.lifecycle) and shows what the
service refused; with JavaScript (the X-Workspace-Fragments header) "Send" and "Save draft"
answer with the panels that changed instead of a redirect (tickets.workspace.panels)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from backoffice.audit import record_event
from tickets import access, lifecycle
from tickets.forms import show_on_form
from tickets.models import Message, MessageDraft
from tickets.rendering import render_markdown
from tickets.workspace import panels
from tickets.workspace.forms import CloseForm, StaffMessageForm, TriageForm


class QuestionView(View):
    """A view of one question in the workspace: "not found" outside the user's staff scope
    (tickets.access), and a question handed over to another region is read only for a while."""

    permission = "tickets.view_question"

    def dispatch(self, request, pk):
        # A question in the user's scope is never a handed-over one (access.handed_over_questions
        # excludes them): the handover is looked for only when the question is not found.
        question = panels.scoped_question(request, pk)
        if question is None:
            if access.handed_over_questions(request.user).filter(pk=pk).exists():
                return redirect("tickets_read_only", pk=pk)
            raise Http404
        if not request.user.has_perm("tickets.view_question"):
            raise Http404
        self.question = question
        if not request.user.has_perm(self.permission):
            raise Http404
        return super().dispatch(request, pk)


class WorkspaceView(QuestionView):
    """The page. A POST here is handed to the action it names ("action" field): the forms of a
    page opened before the actions had URLs of their own, and scripts, keep working."""

    def get(self, request, pk):
        record_event("question.staff_view", request=request, target=self.question)
        return render_page(request, self.question)

    def post(self, request, pk):
        action = request.POST.get("action") or ("status" if "status" in request.POST else "")
        view = ACTIONS.get(action, ComposeView)
        return view.as_view()(request, pk=pk)


def render_page(request, question, status=200, **given):
    """The whole workspace; `given` are forms bound to what was posted, shown with their
    errors and what was typed."""
    return TemplateResponse(
        request,
        "tickets/admin/workspace.html",
        panels.page_context(request, question, **given),
        status=status,
    )


class ActionView(QuestionView):
    """One change to the question: staff who may change questions, by POST only."""

    permission = "tickets.change_question"
    http_method_names = ["post"]
    success = ""

    def post(self, request, pk):
        try:
            self.change()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success)
        return redirect("tickets_workspace", pk=pk)

    def change(self):
        raise NotImplementedError


class StatusView(ActionView):
    success = gettext_lazy("Status changed.")

    def change(self):
        lifecycle.change_status(
            self.question,
            self.request.POST.get("status", ""),
            actor=self.request.user,
            actor_kind="staff",
            request=self.request,
        )


class TakeView(ActionView):
    success = gettext_lazy("The question is yours.")

    def change(self):
        user = self.request.user
        lifecycle.assign(self.question, user, actor=user, request=self.request)


class TriageView(ActionView):
    def post(self, request, pk):
        form = TriageForm(request.POST, instance=self.question)
        if form.is_valid() and form.save_through_service(actor=request.user, request=request):
            messages.success(request, _("Triage saved."))
            return redirect("tickets_workspace", pk=pk)
        question = panels.visible_question(request, pk)  # not the half-changed instance
        return render_page(request, question, status=400, triage_form=form)


class CloseView(ActionView):
    def post(self, request, pk):
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                lifecycle.close(
                    self.question,
                    form.cleaned_data["outcome"],
                    service=form.cleaned_data["service"],
                    directory_service=form.cleaned_data["directory_service"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                if not show_on_form(form, error):  # not about a field: a transition refused
                    messages.error(request, " ".join(error.messages))
                    return redirect("tickets_workspace", pk=pk)
            else:
                messages.success(request, _("The question is closed."))
                return redirect("tickets_workspace", pk=pk)
        question = panels.visible_question(request, pk)
        return render_page(request, question, status=400, close_form=form)


class ComposeView(ActionView):
    """The composer: send, save a draft, preview, insert a template (the button's `intent`)."""

    def post(self, request, pk):
        intent = request.POST.get("intent", "send")
        if intent == "draft":
            return self.save_draft()
        if intent in ("preview", "template"):
            return self.show_again(intent)
        return self.send()

    def save_draft(self):
        request, question = self.request, self.question
        MessageDraft.objects.update_or_create(
            question=question,
            author=request.user,
            defaults={
                "body": request.POST.get("body", ""),
                "internal": request.POST.get("internal") == "1",
            },
        )
        if panels.wants_fragments(request):  # the text stays where it is being written
            return panels.fragments(request, question, (), message=_("Draft saved."))
        messages.success(request, _("Draft saved."))
        return redirect("tickets_workspace", pk=question.pk)

    def show_again(self, intent):
        """Without JavaScript: the page again with the preview, or the template added."""
        question, data = self.question, self.request.POST
        body = data.get("body", "")
        if intent == "template":
            chosen = {t["id"]: t["text"] for t in panels.answer_templates(question)}
            template_id = data.get("template", "")
            if template_id.isdigit() and int(template_id) in chosen:
                body = (body.rstrip() + "\n\n" if body.strip() else "") + chosen[int(template_id)]
        # Unbound: shows what was typed without complaining about what is not finished yet.
        form = StaffMessageForm(
            initial={
                "body": body,
                "internal": data.get("internal", "0"),
                "last_seen": data.get("last_seen", panels.last_message_id(question)),
            }
        )
        return render_page(self.request, question, form=form, preview_html=render_markdown(body))

    def send(self):
        request, question = self.request, self.question
        form = StaffMessageForm(request.POST, request.FILES)
        refused = {"form": form}
        if form.is_valid():
            try:
                message = lifecycle.add_message(
                    question,
                    body=form.cleaned_data["body"],
                    author_kind=Message.AuthorKind.STAFF,
                    author=request.user,
                    internal=form.cleaned_data["internal"],
                    files=form.cleaned_data["files"],
                    request=request,
                    last_seen=form.cleaned_data["last_seen"],
                )
            except lifecycle.ConcurrentReply as conflict:
                # Keep the text; the next send (with the newer id) is the confirmation.
                data = request.POST.copy()
                data["last_seen"] = str(conflict.newest_id)
                form = StaffMessageForm(data)
                form.is_valid()
                form.add_error(None, conflict)
                body = data.get("body", "")
                refused = {"form": form, "preview_html": render_markdown(body), "concurrent": True}
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.sent(message)
        if not panels.wants_fragments(request):
            return render_page(request, question, status=400, **refused)
        # In place: the composer with the errors and the text kept; after a concurrent reply
        # the thread too, so that the newer message can be read before sending again.
        names = ("facts", "thread", "composer") if refused.get("concurrent") else ("composer",)
        return panels.fragments(
            request, question, names, message=" ".join(panels.error_texts(refused["form"])),
            level="error", focus=panels.ERROR_FOCUS, status=400, **refused,
        )  # fmt: skip

    def sent(self, message):
        request, question = self.request, self.question
        MessageDraft.objects.filter(question=question, author=request.user).delete()
        if not panels.wants_fragments(request):
            messages.success(request, _("Your message was sent."))
            return redirect("tickets_workspace", pk=question.pk)
        after = panels.visible_question(request, question.pk)  # as the service left it
        return panels.fragments(
            request,
            after,
            panels.changed_by_message(request, question, after, message),
            message=_("Your message was sent."),
            focus=f"#message-{message.pk}",
            # The composer emptied, knowing the newest message (tickets/workspace.js).
            reset={"last_seen": message.pk},
        )


ACTIONS = {
    "status": StatusView,
    "take": TakeView,
    "triage": TriageView,
    "close": CloseView,
    "compose": ComposeView,
}


class ArticleLinksView(QuestionView):
    """The "Insert a link to an article" list as an HTML fragment (filtered by `q`)."""

    def get(self, request, pk):
        query = request.GET.get("q", "")[:100]
        return TemplateResponse(
            request,
            "tickets/admin/_article_links.html",
            {
                "question": self.question,
                "article_links": panels.article_links(self.question, query),
                "article_links_query": query,
            },
        )


class PreviewView(View):
    """The composer's live preview: the same sanitised rendering the requester will see."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.has_perm("tickets.view_question"):
            raise Http404
        return HttpResponse(render_markdown(request.POST.get("body", "")[:50_000]))
