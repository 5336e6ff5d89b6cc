"""The coordinators' dashboard in the Wagtail admin: filters, figures, charts with their tables,
and the figures as CSV/XLSX (suppressed: files leave the team). Reads through
tickets.reports.figures only."""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit import record_event
from backoffice.models import LegalDomain, Organisation
from tickets import languages, queue_views
from tickets.attachments import private_storage
from tickets.models import Outcome, RequesterKind
from tickets.reports import charts, exports, figures, monthly


class QuickSelect(forms.Select):
    """A <select> whose options are written in Python: Django renders each option through a
    template of its own, and the filters' ~250 options (contact languages, municipalities)
    took longer than computing the figures."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) == chosen else "", label)  # noqa: S308
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


class DashboardFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=None,
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    municipality = forms.ChoiceField(
        label=gettext_lazy("Municipality"), required=False, widget=QuickSelect
    )
    legal_domain = forms.ModelChoiceField(
        label=gettext_lazy("Legal domain"),
        queryset=LegalDomain.objects.all(),
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    contact_language = forms.ChoiceField(
        label=gettext_lazy("Contact language"), required=False, widget=QuickSelect
    )
    requester = forms.ChoiceField(
        label=gettext_lazy("Requester"), required=False, widget=QuickSelect
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False, widget=QuickSelect)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False, widget=QuickSelect)

    def __init__(self, data, *, user):
        today = timezone.localdate()
        initial = {"start": today - timedelta(days=29), "end": today}
        super().__init__({**initial, **data.dict()} if data else initial)
        regions = queue_views.visible_regions(user)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = _("All")
        self.fields["legal_domain"].empty_label = _("All")
        everything = [("", _("All"))]
        self.fields["municipality"].choices = [
            *everything,
            ("none", _("Unknown")),
            *((str(m.pk), str(m)) for m in queue_views.municipalities_of(regions)),
        ]
        self.fields["contact_language"].choices = [
            *everything,
            *languages.contact_language_choices(),
        ]
        self.fields["requester"].choices = [
            *everything,
            *RequesterKind.choices,
            *(
                (f"org:{kind}", f"{RequesterKind.PROFESSIONAL.label}: {label}")
                for kind, label in Organisation.Kind.choices
            ),
        ]
        self.fields["channel"].choices = [*everything, *figures.CHANNELS.items()]
        self.fields["outcome"].choices = [*everything, *Outcome.choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("start", _("Choose a period of at most three years."))
        return data

    def filters(self) -> figures.Filters:
        """The chosen filters; the default period when the form is not valid."""
        if not self.is_valid():
            today = timezone.localdate()
            return figures.Filters(start=today - timedelta(days=29), end=today)
        data = self.cleaned_data
        municipality = data["municipality"]
        return figures.Filters(
            start=data["start"],
            end=data["end"],
            region=data["region"].pk if data["region"] else None,
            municipality=municipality if municipality == "none" else int(municipality or 0),
            legal_domain=data["legal_domain"].pk if data["legal_domain"] else None,
            contact_language=data["contact_language"],
            requester=data["requester"],
            outcome=data["outcome"],
            channel=data["channel"],
        )


def dashboard(request):
    if not figures.may_see_figures(request.user):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET, user=request.user)
    filters = form.filters()
    report = figures.compute(request.user, filters)
    export = request.GET.get("export", "")
    if export in ("csv", "xlsx"):
        return export_response(request, figures.suppressed(report), export, "dashboard")
    record_event("dashboard.view", request=request, details={"filters": request.GET.dict()})
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "tickets/admin/dashboard.html",
        {
            "header_title": _("Dashboard"),
            "form": form,
            "report": report,
            "sections": [(table, charts.chart(table)) for table in report.tables],
            "query": query.urlencode(),
            "threshold": figures.suppressed(report).suppressed_below,
            "report_url": _report_link(request.user, filters),
        },
    )


def _report_link(user, filters) -> str:
    """The monthly report of the month the period starts in, for the chosen region (or the
    user's first) and municipality."""
    regions = queue_views.visible_regions(user)
    region = regions.filter(pk=filters.region).first() if filters.region else None
    if region is None and isinstance(filters.municipality, int) and filters.municipality:
        region = regions.filter(municipalities=filters.municipality).first()
    region = region or regions.order_by("name").first()
    if region is None:
        return ""
    url = reverse(
        "tickets_monthly_report", args=[region.pk, filters.start.year, filters.start.month]
    )
    if isinstance(filters.municipality, int) and filters.municipality:
        url += f"?municipality={filters.municipality}"
    return url


def monthly_report(request, region, year, month):
    """A month's report of one region (optionally one municipality) as DOCX, CSV or XLSX: the
    worker's stored DOCX when there is one, else made now. Small counts are hidden."""
    if not figures.may_see_figures(request.user):
        raise PermissionDenied
    region = get_object_or_404(queue_views.visible_regions(request.user), pk=region)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404
    export = request.GET.get("format", "docx")
    if export not in monthly.FORMATS:
        export = "docx"
    municipality = None
    if request.GET.get("municipality", "").isdigit():
        municipality = get_object_or_404(
            region.municipalities.all(), pk=int(request.GET["municipality"])
        )
    record_event(
        "report.download",
        request=request,
        target=region,
        details={"month": f"{year}-{month:02d}", "format": export,
                 "municipality": municipality.pk if municipality else None},
    )  # fmt: skip
    stored = monthly.stored_name(region, year, month)
    if export == "docx" and municipality is None and private_storage.exists(stored):
        with private_storage.open(stored) as handle:
            content = handle.read()
        name = f"wegwijs-{region.slug}-{year}-{month:02d}.docx"
    else:
        content, name = monthly.render(region, year, month, export, municipality)
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[export])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_response(request, report, export: str, name: str) -> HttpResponse:
    record_event(
        "dashboard.export",
        request=request,
        details={"format": export, "filters": request.GET.dict(), "name": name},
    )
    filters = report.filters
    filename = f"wegwijs-{name}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{export}"
    if export == "csv":
        content, content_type = exports.to_csv(report), "text/csv; charset=utf-8"
    else:
        content = exports.to_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
