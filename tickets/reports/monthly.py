"""The monthly report per region (or municipality): the dashboard's figures with small counts
hidden, the policy signals and the knowledge-base gaps, as DOCX, CSV or XLSX.

The worker makes last month's DOCX of every active region on the first of each month (django-q2
schedule "monthly reports") and mails the coordinators of that region a link, never the content.
The same report is made on demand from the dashboard, for any month and, optionally, one
municipality. Files are kept in private storage under reports/ and served only to people who may
see the region's figures.
"""

import io
import logging
from datetime import date, datetime, time, timedelta

import docx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from docx.shared import Cm

from backoffice import roles
from backoffice.models import Municipality, Region
from tickets.attachments import private_storage
from tickets.reports import charts, exports, figures

logger = logging.getLogger(__name__)

FOLDER = "reports/"
FORMATS = ("docx", "csv", "xlsx")


def month_period(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def report_for(region: Region, year: int, month: int, municipality: Municipality | None = None):
    """The suppressed figures of one region (or municipality) for one month. The scope is the
    region itself: callers check that the reader may see it."""
    start, end = month_period(year, month)
    filters = figures.Filters(
        start=start,
        end=end,
        region=region.pk,
        municipality=municipality.pk if municipality else None,
    )
    today = timezone.localdate()
    return figures.suppressed(figures.compute(None, filters, today=today))


def _title(region, year, month, municipality=None) -> str:
    place = str(municipality) if municipality else region.name
    month_name = formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    return _("Wegwijs monthly report: %(place)s, %(month)s") % {
        "place": place,
        "month": month_name,
    }


def to_docx(report: figures.Report, title: str) -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    document.add_paragraph(
        _(
            "Figures of the regional back-office for this period. Counts below %(threshold)d "
            "are shown as “< %(threshold)d” so that nobody can be recognised."
        )
        % {"threshold": report.suppressed_below}
    )
    for table in report.tables:
        document.add_heading(table.title, level=1)
        if table.note:
            document.add_paragraph(table.note)
        if not table.rows:
            document.add_paragraph(_("Nothing in this period."))
            continue
        picture = charts.chart_png(table)
        if picture is not None:
            # The table below carries the same numbers (for screen readers and copying); the
            # picture's description says so.
            shape = document.add_picture(io.BytesIO(picture), width=Cm(16))
            shape._inline.docPr.set(
                "descr", _("Chart of the table “%(title)s” below.") % {"title": table.title}
            )
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Light Grid Accent 1"
        for cell, heading in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = heading
        for row in table.values():
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(region, year, month, export="docx", municipality=None) -> tuple[bytes, str]:
    """(content, file name) of one report in one format."""
    report = report_for(region, year, month, municipality)
    place = municipality.postcode if municipality else region.slug
    name = f"wegwijs-{place}-{year}-{month:02d}.{export}"
    if export == "csv":
        return exports.to_csv(report), name
    if export == "xlsx":
        return exports.to_xlsx(report), name
    return to_docx(report, _title(region, year, month, municipality)), name


def stored_name(region, year, month) -> str:
    return f"{FOLDER}{region.slug}-{year}-{month:02d}.docx"


def report_url(region, year, month) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "tickets_monthly_report", args=[region.pk, year, month]
    )


def coordinators_of(region) -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True, groups__name=roles.COORDINATOR, profile__regions=region
    )
    return sorted({user.email for user in users if user.email})


def make_monthly_reports(today: date | None = None) -> int:
    """Run by the worker on the first of the month: last month's DOCX per active region, stored
    privately, and a mail with only the link to the region's coordinators. Returns the number of
    reports made. Running it twice makes the same files again and mails again: harmless."""
    today = today or timezone.localdate()
    start, _end = figures.last_month(today)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for region in Region.objects.filter(is_active=True):
            content, _name = render(region, start.year, start.month)
            name = stored_name(region, start.year, start.month)
            if private_storage.exists(name):
                private_storage.delete(name)
            private_storage.save(name, ContentFile(content))
            made += 1
            recipients = coordinators_of(region)
            if not recipients:
                continue
            subject = _title(region, start.year, start.month)
            body = _(
                "The monthly report of %(region)s is ready. Open it in Wegwijs (you will be "
                "asked to sign in):\n\n%(link)s"
            ) % {"region": region.name, "link": report_url(region, start.year, start.month)}
            try:
                send_mail(subject, body, None, recipients)
            except OSError:
                logger.warning("Monthly report mail for %s failed", region.slug, exc_info=True)
    return made


def ensure_schedules(sender=None, **kwargs) -> None:
    from django_q.models import Schedule

    today = timezone.localdate()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    Schedule.objects.get_or_create(
        name="monthly reports",
        defaults={
            "func": "tickets.reports.monthly.make_monthly_reports",
            "schedule_type": Schedule.MONTHLY,
            "repeats": -1,
            "next_run": timezone.make_aware(datetime.combine(first, time(6, 0))),
        },
    )
