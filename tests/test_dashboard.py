"""The coordinators' dashboard in the admin: scope, filters, bad input, charts with their
tables, and downloads that hide small counts."""

import csv
import io

import pytest
from openpyxl import load_workbook

from backoffice.models import AuditEvent
from tests import test_figures
from tests.i18n import in_dutch, in_dutch_html
from tests.test_figures import PERIOD

data = test_figures.data  # the hand-built data set (a fixture)

pytestmark = pytest.mark.django_db

PERIOD_QUERY = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


def test_coordinator_sees_the_figures_of_their_regions_with_charts_and_tables(client, data):
    client.force_login(data["coco"])
    response = client.get("/admin/dashboard/", PERIOD_QUERY)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 5 and 'aria-hidden="true"' in html
    assert "<script" not in html.split('class="nice-padding ww-dashboard"')[1].split("</main>")[0]
    assert in_dutch_html("Questions received") in html
    assert "2600 Berchem" in html and "9000 Gent" not in html  # Gent is not their region
    assert AuditEvent.objects.filter(action="dashboard.view", actor=data["coco"]).exists()


def test_filter_by_municipality_and_bad_input_keeps_what_was_typed(client, data):
    client.force_login(data["coco"])
    query = {**PERIOD_QUERY, "municipality": data["berchem"].pk}
    response = client.get("/admin/dashboard/", query)
    assert response.context["report"].headline()["received"].value == 1
    html = response.content.decode()
    # The filters' options are written in Python (views.QuickSelect): the choice stays chosen,
    # each select keeps its label's id, and the channel filter is there.
    assert f'<option value="{data["berchem"].pk}" selected>2600 Berchem</option>' in html
    assert '<select name="municipality" id="id_municipality">' in html
    assert '<select name="channel" id="id_channel">' in html
    handed = client.get("/admin/dashboard/", {**PERIOD_QUERY, "channel": "handover"})
    assert handed.context["report"].headline()["received"].value == 0
    assert '<option value="handover" selected>' in handed.content.decode()
    bad = client.get("/admin/dashboard/", {"start": "2026-05-08", "end": "2026-04-01"})
    html = bad.content.decode()
    assert in_dutch_html("The end of the period comes before its start.") in html
    assert 'value="2026-05-08"' in html and 'value="2026-04-01"' in html
    nonsense = client.get("/admin/dashboard/", {"start": "gisteren", "municipality": "x"})
    assert nonsense.status_code == 200 and 'value="gisteren"' in nonsense.content.decode()


def test_downloads_hide_small_counts_and_are_audited(client, data):
    client.force_login(data["coco"])
    response = client.get("/admin/dashboard/", {**PERIOD_QUERY, "export": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="wegwijs-dashboard')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    received = next(row for row in rows if row and row[0] == in_dutch("Questions received"))
    assert received == [in_dutch("Questions received"), "< 5"]
    assert ["2600 Berchem", "< 5"] in rows
    workbook = load_workbook(
        io.BytesIO(client.get("/admin/dashboard/", {**PERIOD_QUERY, "export": "xlsx"}).content)
    )
    values = [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]
    assert [in_dutch("Questions received"), "< 5"] in values
    assert AuditEvent.objects.filter(action="dashboard.export").count() == 2


def test_superuser_sees_every_region(client, data):
    client.force_login(data["root"])
    response = client.get("/admin/dashboard/", PERIOD_QUERY)
    assert response.context["report"].headline()["received"].value == 5
    assert "9000 Gent" in response.content.decode()
