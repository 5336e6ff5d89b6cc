"""Policy signal pages: the form (staff in the admin, professionals on the professional pages)
and the coordinators' review listing. The rules are in tickets.policy_signals."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backoffice.models import Municipality, Organisation
from tickets import access, policy_signals, queue_views
from tickets.models import PolicySignal, SignalCategory, SignalGroup


class SignalForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("What kind of problem"), choices=SignalCategory.choices
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Municipality.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Service concerned"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    service_name = forms.CharField(
        label=gettext_lazy("Service concerned, if not in the list"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example: the population office of the municipality."),
    )
    description = forms.CharField(
        label=gettext_lazy("What happens"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Describe the problem, not the person: no names, numbers, addresses or dates of birth."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I checked: the description contains no personal data."),
        required=False,
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities

    def save(self, author, question=None, request=None):
        """Create the signal through the service; False (with the errors on the form) if not."""
        data = self.cleaned_data
        try:
            return policy_signals.create_signal(
                author=author,
                category=data["category"],
                description=data["description"],
                municipality=data["municipality"],
                organisation=data["organisation"],
                service_name=data["service_name"],
                question=question,
                confirmed=data["confirm"],
                request=request,
            )
        except policy_signals.PersonalDataWarning as warning:
            self.add_error("description", warning)
        except ValidationError as error:
            self.add_error(None, error)
        return None


# --- Staff (admin)


@require_http_methods(["GET", "POST"])
def staff_signal(request, pk=None):
    """Flag a question as a signal (pk) or write one without a question."""
    if not policy_signals.can_flag(request.user):
        raise PermissionDenied
    question = None
    if pk is not None:
        question = get_object_or_404(access.staff_questions(request.user), pk=pk)
    municipalities = queue_views.municipalities_of(queue_views.visible_regions(request.user))
    initial = {"municipality": question.municipality} if question else {}
    form = SignalForm(request.POST or None, initial=initial, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        if form.save(request.user, question=question, request=request):
            messages.success(request, _("Thank you: the coordinators will see this signal."))
            if question:
                return redirect("tickets_workspace", question.pk)
            return redirect("wagtailadmin_home")
    return render(
        request,
        "tickets/admin/signal_form.html",
        {"form": form, "question": question, "header_title": _("Policy signal")},
        status=400 if request.method == "POST" else 200,
    )


class ReviewForm(forms.Form):
    group = forms.ModelChoiceField(
        label=gettext_lazy("Add to a group"), queryset=SignalGroup.objects.none(), required=False
    )
    group_title = forms.CharField(
        label=gettext_lazy("Or start a new group"), max_length=200, required=False
    )

    def __init__(self, *args, signal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = SignalGroup.objects.filter(region=signal.region)


def signal_list(request):
    if not policy_signals.can_review(request.user):
        raise PermissionDenied
    signals = policy_signals.visible_to(request.user)
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    municipality = request.GET.get("municipality", "")
    if status in PolicySignal.Status.values:
        signals = signals.filter(status=status)
    if category in SignalCategory.values:
        signals = signals.filter(category=category)
    if municipality.isdigit():
        signals = signals.filter(municipality=int(municipality))
    categories = dict(SignalCategory.choices)
    return render(
        request,
        "tickets/admin/signal_list.html",
        {
            "header_title": _("Policy signals"),
            "signals": signals.select_related("group")[:200],
            "statuses": PolicySignal.Status.choices,
            "categories": SignalCategory.choices,
            "municipalities": queue_views.municipalities_of(
                queue_views.visible_regions(request.user)
            ),
            "chosen": {"status": status, "category": category, "municipality": municipality},
            "per_municipality": [
                {**row, "category_label": categories.get(row["category"], "")}
                for row in policy_signals.per_municipality(signals)
            ],
            "per_service": [
                {**row, "category_label": categories.get(row["category"], "")}
                for row in policy_signals.per_service(signals)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def signal_detail(request, pk):
    if not policy_signals.can_review(request.user):
        raise PermissionDenied
    signal = get_object_or_404(policy_signals.visible_to(request.user), pk=pk)
    form = ReviewForm(request.POST or None, signal=signal)
    if request.method == "POST" and form.is_valid():
        try:
            policy_signals.review(
                signal,
                reviewer=request.user,
                group=form.cleaned_data["group"],
                group_title=form.cleaned_data["group_title"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Signal reviewed."))
            return redirect("tickets_signals")
    return render(
        request,
        "tickets/admin/signal_detail.html",
        {"signal": signal, "form": form, "header_title": str(signal)},
    )


# --- Professionals (public site)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pro_signal(request):
    if not policy_signals.can_report(request.user):
        raise PermissionDenied
    organisation = request.user.profile.organisation
    form = SignalForm(
        request.POST or None,
        initial={"municipality": organisation.municipality if organisation else None},
    )
    if request.method == "POST" and form.is_valid():
        if form.save(request.user, request=request):
            messages.success(request, _("Thank you: the back-office will look at this signal."))
            return redirect("tickets:pro_home")
    return render(
        request,
        "tickets/pro_signal_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
