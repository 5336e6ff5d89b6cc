"""The monthly report: made by the worker on the first of the month, mailed as a link only,
downloaded by the region's coordinators (DOCX, CSV, XLSX), small counts hidden."""

import io
from datetime import date

import docx
import pytest
from django.core import mail
from django_q.models import Schedule

from backoffice import roles
from backoffice.models import AuditEvent, Region
from tests import test_figures
from tests.access import DENIED, outcome
from tests.conftest import make_user
from tests.i18n import in_dutch
from tickets.attachments import private_storage
from tickets.reports import monthly

data = test_figures.data  # the hand-built data set (a fixture)

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_the_worker_makes_last_months_reports_and_mails_a_link(client, data):
    assert Schedule.objects.filter(
        name="monthly reports", func="tickets.reports.monthly.make_monthly_reports"
    ).exists()
    antwerpen = Region.objects.get(slug="antwerpen")
    stored = monthly.stored_name(antwerpen, 2026, 5)
    if private_storage.exists(stored):
        private_storage.delete(stored)
    assert monthly.make_monthly_reports(today=date(2026, 6, 1)) == 2  # Antwerpen and Gent
    assert private_storage.exists(stored)
    (message,) = [m for m in mail.outbox if "coco@example.org" in m.to]
    link = f"/admin/dashboard/report/{antwerpen.pk}/2026/5/"
    assert link in message.body
    assert "Berchem" not in message.body and "< 5" not in message.body  # no content

    client.force_login(data["coco"])
    response = client.get(link)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(response.content)
    assert "Antwerpen" in text and in_dutch("Questions received") in text
    assert "< 5" in text  # two questions came in in May: hidden
    assert AuditEvent.objects.filter(action="report.download", actor=data["coco"]).exists()
    private_storage.delete(stored)


def test_on_demand_per_municipality_and_formats(client, data):
    antwerpen = Region.objects.get(slug="antwerpen")
    client.force_login(data["coco"])
    url = f"/admin/dashboard/report/{antwerpen.pk}/2026/4/"
    csv_text = client.get(url, {"format": "csv", "municipality": data["berchem"].pk})
    lines = csv_text.content.decode("utf-8-sig")
    assert in_dutch("Questions received") in lines and "< 5" in lines
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    text = docx_text(client.get(url, {"municipality": data["berchem"].pk}).content)
    assert "2600 Berchem" in text


def test_only_the_regions_coordinators_may_download(client, data):
    gent = Region.objects.get(slug="gent")
    antwerpen = Region.objects.get(slug="antwerpen")
    client.force_login(data["coco"])
    assert outcome(client.get(f"/admin/dashboard/report/{gent.pk}/2026/5/")) == DENIED
    client.force_login(make_user(roles.SPECIALIST, "sam", regions=[antwerpen]))
    assert outcome(client.get(f"/admin/dashboard/report/{antwerpen.pk}/2026/5/")) == DENIED
    client.force_login(data["root"])
    assert client.get(f"/admin/dashboard/report/{gent.pk}/2026/5/").status_code == 200
    assert outcome(client.get(f"/admin/dashboard/report/{gent.pk}/2026/13/")) == DENIED


def test_the_docx_report_has_charts_drawn_from_the_suppressed_figures(data):
    """Each chart of the report is a PNG picture with a description, followed by its table;
    the chart is drawn from the same suppressed numbers (a hidden count draws no bar)."""
    from PIL import Image

    from tickets.reports import charts, figures

    antwerpen = Region.objects.get(slug="antwerpen")
    content, _name = monthly.render(antwerpen, 2026, 5)
    document = docx.Document(io.BytesIO(content))
    report = monthly.report_for(antwerpen, 2026, 5)
    charted = [table for table in report.tables if table.chart and table.rows]
    assert len(document.inline_shapes) == len(charted) > 0
    assert len(document.tables) >= len(charted)  # the tables behind the charts are there
    for shape in document.inline_shapes:
        chart_of = in_dutch("Chart of the table “%(title)s” below.").split("%(title)s")[0]
        assert shape._inline.docPr.get("descr").startswith(chart_of)
    # Municipalities in May: Antwerpen 2 and Berchem 0..., all below 5: every bar is hidden.
    municipalities = report.table("municipalities")
    assert all(row[1].kind == figures.HIDDEN for row in municipalities.rows)
    hidden = Image.open(io.BytesIO(charts.bar_png(municipalities)))
    blue = (0x2E, 0x6F, 0xA7)
    assert blue not in {colour for _count, colour in hidden.getcolors(1 << 16)}
    exact = figures.compute(None, report.filters).table("municipalities")
    drawn = Image.open(io.BytesIO(charts.bar_png(exact)))
    assert blue in {colour for _count, colour in drawn.getcolors(1 << 16)}
