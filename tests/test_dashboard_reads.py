"""Articles read on the coordinators' dashboard, in its downloads and in the monthly report, on a
small hand-built set whose answers are worked out in the comments; small counts are hidden in
everything that leaves the team."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from backoffice.models import Region
from knowledge import reads
from knowledge.importing import import_directory
from knowledge.models import ArticlePage, ArticleVote
from tests import test_figures
from tests.i18n import in_dutch, in_dutch_html
from tests.test_figures import PERIOD, TODAY
from tests.test_monthly_report import docx_text
from tests.test_page_cache import DATA
from tickets.reports import figures, monthly

data = test_figures.data  # the hand-built questions (a fixture)

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
PERIOD_QUERY = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


def vote(article, helpful, month, day):
    made = ArticleVote.objects.create(
        article=article, helpful=helpful, visitor_hash=f"{article.pk}-{month}-{day}-{helpful}"
    )
    ArticleVote.objects.filter(pk=made.pk).update(
        created=datetime(2026, month, day, 12, tzinfo=BRUSSELS)
    )


@pytest.fixture
def read(data):
    """Reads in and around the period (27 April to 8 May 2026):

    - G  (Dutch family reunification): 50 on 26 April (before), 3 on 27 April, 4 on 8 May: 7;
      votes 2 helpful and 1 not in the period, 1 helpful on 10 May (after);
    - GA (its Arabic translation): 6 on 1 May; no votes;
    - L  (Dutch, for professionals): 2 on 2 May, 9 on 9 May (after): 2; 1 not helpful;
    - I  (internal): never read (staff are not counted).

    In the period: 15 reads; Dutch 9, Arabic 6; G 7, GA 6, L 2."""
    report = import_directory(DATA)
    assert report.ok, report.errors
    pages = {
        key: ArticlePage.objects.get(slug=slug, locale__language_code=language)
        for key, slug, language in (
            ("G", "test-gezinshereniging", "nl"),
            ("GA", "test-gezinshereniging", "ar"),
            ("L", "test-leefloon-professionals", "nl"),
        )
    }
    reads.add_reads(
        {
            (pages["G"].pk, date(2026, 4, 26)): 50,
            (pages["G"].pk, date(2026, 4, 27)): 3,
            (pages["G"].pk, date(2026, 5, 8)): 4,
            (pages["GA"].pk, date(2026, 5, 1)): 6,
            (pages["L"].pk, date(2026, 5, 2)): 2,
            (pages["L"].pk, date(2026, 5, 9)): 9,
        }
    )
    vote(pages["G"], True, 4, 28)
    vote(pages["G"], True, 5, 8)
    vote(pages["G"], False, 5, 4)
    vote(pages["G"], True, 5, 10)
    vote(pages["L"], False, 5, 2)
    return pages


def plain(table):
    return [[str(cell) for cell in row] for row in table.rows]


def test_articles_read_figures(data, read):
    report = figures.compute(data["coco"], PERIOD, today=TODAY)
    knowledge = dict(plain(report.table("knowledge")))
    assert knowledge[in_dutch("Articles read")] == "15"
    assert knowledge[in_dutch("Articles found helpful (votes)")] == "2"
    assert knowledge[in_dutch("Articles not found helpful (votes)")] == "2"
    top = report.table("articles_read")
    assert top.chart == "bar" and len(top.columns) == 5
    assert [row[1:4] for row in plain(top)] == [["7", "2", "1"], ["6", "0", "0"], ["2", "0", "1"]]
    assert [row[0] for row in plain(top)] == [read[key].title for key in ("G", "GA", "L")]
    assert [row[0] for row in plain(report.table("reads_languages"))] == [
        plain(top)[0][4],  # Dutch
        plain(top)[1][4],  # Arabic
    ]
    assert [row[1] for row in plain(report.table("reads_languages"))] == ["9", "6"]
    # The knowledge base is shared: a narrower scope of questions does not change its reads.
    berchem = figures.Filters(PERIOD.start, PERIOD.end, municipality=data["berchem"].pk)
    narrowed = figures.compute(data["coco"], berchem, today=TODAY)
    assert plain(narrowed.table("articles_read")) == plain(top)
    # Another period: only 26 April.
    day = figures.Filters(date(2026, 4, 26), date(2026, 4, 26))
    assert plain(figures.compute(data["coco"], day, today=TODAY).table("articles_read")) == [
        [read["G"].title, "50", "0", "0", plain(top)[0][4]]
    ]


def test_articles_read_leaving_the_team_hide_small_counts(data, read):
    hidden = figures.suppressed(figures.compute(data["coco"], PERIOD, today=TODAY), threshold=5)
    assert dict(plain(hidden.table("knowledge")))[in_dutch("Articles read")] == "15"
    assert [row[1:4] for row in plain(hidden.table("articles_read"))] == [
        ["7", "< 5", "< 5"],
        ["6", "0", "0"],
        ["< 5", "0", "< 5"],
    ]
    higher = figures.suppressed(figures.compute(data["coco"], PERIOD, today=TODAY), threshold=7)
    assert [row[1] for row in plain(higher.table("reads_languages"))] == ["9", "< 7"]
    assert [row[1] for row in plain(higher.table("articles_read"))] == ["7", "< 7", "< 7"]


def test_dashboard_shows_the_table_and_downloads_hide_small_counts(client, data, read):
    client.force_login(data["coco"])
    response = client.get("/admin/dashboard/", PERIOD_QUERY)
    html = response.content.decode()
    assert in_dutch_html("Most read articles") in html
    assert 'id="figure-articles_read"' in html and 'id="figure-reads_languages"' in html
    section = html.split('id="figure-articles_read"')[1].split("</section>")[0]
    assert "<svg" in section and "<table" in section and '<th scope="col">' in section
    assert f'<th scope="row">{read["G"].title}</th><td>7</td><td>2</td><td>1</td>' in section

    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/admin/dashboard/", {**PERIOD_QUERY, "export": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [in_dutch("Most read articles")] in rows
    assert rows[rows.index([in_dutch("Most read articles")]) + 2][:4] == [
        read["G"].title,
        "7",
        "< 5",
        "< 5",
    ]
    workbook = load_workbook(
        io.BytesIO(client.get("/admin/dashboard/", {**PERIOD_QUERY, "export": "xlsx"}).content)
    )
    sheet = next(
        sheet for sheet in workbook.worksheets if sheet.title == in_dutch("Most read articles")
    )
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:4] == [read["G"].title, 7, "< 5", "< 5"]
    assert values[3][:2] == [read["L"].title, "< 5"]


def test_monthly_report_has_the_articles_read(client, data, read):
    antwerpen = Region.objects.get(slug="antwerpen")
    content, _name = monthly.render(antwerpen, 2026, 5)
    text = docx_text(content)
    # May: L 2 + 9 = 11, GA 6, G 4 (hidden); 21 reads in all.
    assert in_dutch("Most read articles") in text
    assert read["GA"].title in text
    report = monthly.report_for(antwerpen, 2026, 5)
    assert dict(plain(report.table("knowledge")))[in_dutch("Articles read")] == "21"
    assert [row[1] for row in plain(report.table("articles_read"))] == ["11", "6", "< 5"]


def test_editor_home_lists_articles_read_often_and_found_helpful_seldom(client, read):
    from django.utils import timezone

    from backoffice import roles
    from tests.conftest import make_user

    today = timezone.localdate()
    reads.add_reads({(read["G"].pk, today): 10, (read["L"].pk, today): 3})
    ArticleVote.objects.create(article=read["G"], helpful=True, visitor_hash="today-1")
    ArticleVote.objects.create(article=read["G"], helpful=True, visitor_hash="today-2")
    ArticleVote.objects.create(article=read["L"], helpful=False, visitor_hash="today-3")
    client.force_login(make_user(roles.EDITOR, "eddy"))
    home = client.get("/admin/").content.decode()
    heading = in_dutch_html("Read often, found helpful seldom (30 days)")
    assert heading in home
    listed = home.split(heading)[1].split("</ul>")[0]
    # L: read 3 times, 0 helpful, 1 not: listed; G: 2 helpful answers in these 30 days: not.
    assert read["L"].title in listed and f"/admin/pages/{read['L'].pk}/edit/" in listed
    assert read["G"].title not in listed
    assert "3×" in listed


def test_articles_proposed_from_answers_count_in_the_scope_and_period(data, read):
    """Q1 (Antwerpen) proposed on 5 May: counted; Q6 (Gent, not the coordinator's region) on
    6 May and Q2 on 11 May (after the period): not."""
    from tickets.models import ArticleProposal

    q1, q2, _q3, _q4, _q5, q6 = data["questions"]
    for question, day in ((q1, 5), (q6, 6), (q2, 11)):
        made = ArticleProposal.objects.create(question=question, article=read["G"])
        ArticleProposal.objects.filter(pk=made.pk).update(
            created_at=datetime(2026, 5, day, 12, tzinfo=BRUSSELS)
        )
    knowledge = dict(plain(figures.compute(data["coco"], PERIOD, today=TODAY).table("knowledge")))
    assert knowledge[in_dutch("Articles proposed from answers")] == "1"
    everything = dict(plain(figures.compute(data["root"], PERIOD, today=TODAY).table("knowledge")))
    assert everything[in_dutch("Articles proposed from answers")] == "2"
