"""The queue's helpers in the admin: quick-view links, bulk actions (assign, priority, close),
the rows a page names kept between requests."""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from backoffice import admin_chrome, widgets
from backoffice.models import Municipality, Region
from tickets import access, lifecycle
from tickets.forms import show_on_form
from tickets.models import QUICK_VIEWS, Outcome, Priority, Question


def visible_regions(user):
    if user is None or not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return user.profile.regions.all()


def municipalities_of(regions):
    return Municipality.objects.filter(region__in=regions).order_by("name", "postcode")


def in_language(chunks, language):
    """Produce each chunk of a streamed response with `language` active (the view's language
    is no longer active when the server iterates the response)."""
    chunks = iter(chunks)
    while True:
        with translation.override(language):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def filter_choices(user) -> dict:
    """What the queue's filters offer, from the user's staff scope (tickets.access): the
    regions and legal domains they handle, those regions' municipalities, and the specialists
    who handle a question of theirs."""
    scope = access.staff_scope(user)
    regions = scope.region_choices()
    return {
        "region": regions,
        "municipality": municipalities_of(regions),
        "legal_domain": scope.domain_choices(),
        "assignee": scope.assignable_staff(),
    }


# What a queue row names besides the question: its legal domain, region, municipality and
# assignee. A page of 50 questions names a handful of each; reading them with every page (four
# joins, 200 more objects made per page) was a fifth of the page's time. They are kept in this
# process for one chrome generation (backoffice.admin_chrome), which moves on whenever one of
# them is saved or deleted (legal domains, regions, municipalities, accounts), and for at most
# ADMIN_CHROME_CACHE_SECONDS; one not kept yet is read once, with the others missing.
ROW_RELATIONS = ("legal_domain", "region", "municipality", "assignee")
_USER_FIELDS = ("first_name", "last_name", get_user_model().USERNAME_FIELD)
_kept = {"key": None, "since": 0.0, "rows": {}}


def kept_rows(request) -> dict | None:
    """{relation name: {pk: object}} for this request's chrome generation, or None when the
    chrome's copies are off (then a page reads its rows with its questions)."""
    if not admin_chrome.enabled():
        return None
    key = admin_chrome.version(request)  # the same objects in every language
    now = time.monotonic()
    if _kept["key"] != key or now - _kept["since"] > settings.ADMIN_CHROME_CACHE_SECONDS:
        _kept.update(key=key, since=now, rows={name: {} for name in ROW_RELATIONS})
    return _kept["rows"]


def attach_rows(questions, kept: dict) -> None:
    """Give each question its legal domain, region, municipality and assignee from `kept`,
    reading those not kept yet (one query per kind, only when something is missing)."""
    for name in ROW_RELATIONS:
        field = Question._meta.get_field(name)
        rows = kept[name]
        missing = {getattr(q, field.attname) for q in questions} - rows.keys() - {None}
        if missing:
            found = field.related_model._default_manager.filter(pk__in=missing)
            if name == "assignee":
                found = found.only(*_USER_FIELDS)
            rows.update((row.pk, row) for row in found)
        for question in questions:
            pk = getattr(question, field.attname)
            if pk is None or pk in rows:
                field.set_cached_value(question, rows.get(pk))


def age_label(created_at, now) -> str:
    days = (now - created_at).days
    if days < 1:
        hours = int((now - created_at).total_seconds() // 3600)
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def quick_view_links(request) -> list[dict]:
    current = request.GET.get("view", "")
    return [
        {"name": name, "label": label, "url": f"?view={name}", "current": name == current}
        for name, label in QUICK_VIEWS.items()
    ]


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class BulkForm(forms.Form):
    ACTIONS = [
        ("assign", gettext_lazy("Assign to")),
        ("priority", gettext_lazy("Change priority")),
        ("close", gettext_lazy("Close with outcome")),
    ]
    # Written without a template per option (backoffice.widgets): shown on every queue page.
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=ACTIONS, widget=widgets.Select)
    assignee = _UserChoiceField(
        label=gettext_lazy("Assignee"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=widgets.Select,
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"),
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=widgets.Select,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
        widget=widgets.Select,
    )
    service = forms.CharField(
        label=gettext_lazy("Referred to (service)"), max_length=200, required=False
    )
    question = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = access.staff_scope(user)
        self.fields["assignee"].queryset = scope.assignable_staff()
        self.fields["question"].queryset = scope.questions()

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign the questions to."))
        if action == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose a priority."))
        # What a closing needs (an outcome, a named service) is lifecycle.close's to say.
        return data


@require_POST
def bulk_action(request):
    """Apply one action to the checked questions, each through the lifecycle service (audited);
    questions the user may not see are not in the form's choices, so they are refused."""
    if not request.user.has_perm("tickets.change_question"):
        raise Http404
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("questions:index")
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    done, refused = 0, []
    for question in data["question"].select_related("region"):
        try:
            if data["action"] == "assign":
                lifecycle.assign(question, data["assignee"], actor=request.user, request=request)
            elif data["action"] == "priority":
                question.priority = data["priority"]
                lifecycle.update_triage(question, ["priority"], actor=request.user, request=request)
            else:
                lifecycle.close(
                    question,
                    data["outcome"],
                    service=data["service"],
                    actor=request.user,
                    request=request,
                )
        except ValidationError as error:
            if show_on_form(form, error):
                # About the input (e.g. no outcome), not this question: said once, for all.
                break
            refused.append(f"{question.reference}: {' '.join(error.messages)}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d question changed.", "%(count)d questions changed.", done)
            % {"count": done},
        )
    for line in refused:
        messages.error(request, line)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect(back)
