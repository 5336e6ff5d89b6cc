"""The coordinators' figures (tickets.reports.figures) on a small hand-built data set whose
answers are worked out by hand in the comments, including working days across Belgian holidays
(1 May and Ascension 2026) and the suppression of small counts."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backoffice import roles
from backoffice.models import Municipality
from tests import factories
from tests.conftest import make_user
from tickets.models import Outcome, Question, Status
from tickets.reports import figures
from tickets.sla import calendar

BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = date(2026, 5, 20)
PERIOD = figures.Filters(start=date(2026, 4, 27), end=date(2026, 5, 8))


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=BRUSSELS)


def test_working_days_across_belgian_holidays():
    # Friday 1 May 2026 (Labour Day) and Thursday 14 May (Ascension) are not working days.
    assert calendar.working_days_between(date(2026, 4, 30), date(2026, 5, 4)) == 1
    assert calendar.working_days_between(date(2026, 4, 27), date(2026, 5, 4)) == 4
    assert calendar.working_days_between(date(2026, 5, 13), date(2026, 5, 15)) == 1
    # In on a Saturday, answered on Monday: no working day went by.
    assert calendar.working_days_between(date(2026, 5, 2), date(2026, 5, 4)) == 0
    assert calendar.working_days_between(date(2026, 5, 4), date(2026, 5, 1)) == 0
    # The inverse of add_working_days, every day of a year (Easter, 21 July, Christmas...).
    day = date(2026, 1, 1)
    while day.year == 2026:
        for days in (0, 1, 2, 10):
            assert calendar.working_days_between(day, calendar.add_working_days(day, days)) == days
        day += timedelta(days=1)


@pytest.fixture
def data(db):
    antwerpen, gent = factories.regions("antwerpen", "gent").values()
    city, ghent = antwerpen.municipalities.get(), gent.municipalities.get()
    berchem = Municipality.objects.create(name="Berchem", postcode="2600", region=antwerpen)
    ocmw = factories.organisation(berchem, "OCMW Berchem", kind="ocmw")
    olga = make_user(roles.PROFESSIONAL, "olga", organisation=ocmw)

    def question(municipality, language="nl", professional=None, **fields):
        made = factories.question(
            subject="Vraag",
            body="Vraag",
            contact_language=language,
            municipality=municipality,
            professional=professional,
            client_consent=professional is not None,
        )
        # The figures count past months: the times (and what they imply) are set by hand,
        # as the lifecycle stamps "now". Each row is one the lifecycle reaches in time.
        Question.objects.filter(pk=made.pk).update(**fields)
        return made

    # Q1: in Monday 27 April; first reply Thursday 30 April (3 working days, due 29 April: late);
    # answered Monday 4 May (4 working days: 1 May is a holiday), closed 5 May; its legal
    # deadline of 6 May was met.
    q1 = question(
        city, "ar",
        created_at=at(4, 27), first_response_at=at(4, 30), answered_at=at(5, 4),
        closed_at=at(5, 5), status=Status.CLOSED, outcome=Outcome.ANSWERED,
        first_response_due=date(2026, 4, 29), answer_due=date(2026, 5, 12),
        legal_deadline=date(2026, 5, 6),
    )  # fmt: skip
    # Q2: a professional's consult from Berchem in Tigrinya (interpreter); in Thursday 30 April,
    # first reply Monday 4 May (1 working day), answered 5 May (2), both in time.
    q2 = question(
        berchem, "ti", professional=olga,
        created_at=at(4, 30), first_response_at=at(5, 4), answered_at=at(5, 5),
        status=Status.ANSWERED, first_response_due=date(2026, 5, 5), answer_due=date(2026, 5, 18),
    )  # fmt: skip
    # Q3: in Saturday 2 May, first reply Monday 4 May (0 working days); still open, overdue
    # (answer due 18 May), its legal deadline of 7 May missed.
    q3 = question(
        city,
        created_at=at(5, 2), first_response_at=at(5, 4), status=Status.OPEN,
        first_response_due=date(2026, 5, 6), answer_due=date(2026, 5, 18),
        legal_deadline=date(2026, 5, 7),
    )  # fmt: skip
    # Q4: in Wednesday 6 May, never replied to (first response due 8 May: overdue), waiting.
    q4 = question(
        city,
        created_at=at(5, 6), status=Status.WAITING,
        first_response_due=date(2026, 5, 8), answer_due=date(2026, 5, 20),
    )  # fmt: skip
    # Q5: in before the period, closed in it (referred to a lawyer) without an answer.
    q5 = question(
        city,
        created_at=at(4, 20), closed_at=at(4, 28), status=Status.CLOSED, outcome=Outcome.LAWYER,
        first_response_due=date(2026, 4, 22), answer_due=date(2026, 5, 5),
    )  # fmt: skip
    # Q6: Gent, outside the coordinator's region.
    q6 = question(ghent, created_at=at(5, 5), status=Status.NEW, answer_due=date(2026, 6, 1))
    return {
        "coco": make_user(roles.COORDINATOR, "coco", regions=[antwerpen]),
        "root": make_user("superuser", "root"),
        "berchem": berchem,
        "questions": [q1, q2, q3, q4, q5, q6],
    }


def plain(table):
    return [[str(cell) for cell in row] for row in table.rows]


def headline(report):
    return {key: cell.value for key, cell in report.headline().items()}


@pytest.mark.django_db
def test_every_figure_on_a_hand_built_data_set(data):
    report = figures.compute(data["coco"], PERIOD, today=TODAY)
    numbers = headline(report)
    assert numbers == {
        "received": 4,  # Q1-Q4 (Q6 is Gent's)
        "answered": 2,  # Q1, Q2
        "closed": 2,  # Q1, Q5
        "open": 2,  # Q3, Q4
        "overdue": 2,  # Q3 (answer), Q4 (first response)
        "waiting": 1,  # Q4
        "first_median": 1,  # [0, 1, 3]
        "first_p90": 3,
        "answer_median": 3,  # [2, 4]
        "answer_p90": 4,
        "first_within": 50,  # Q2, Q3 of Q1-Q4
        "answer_within": pytest.approx(200 / 3),  # Q1, Q2 of Q1-Q3 (Q4 not due yet)
        "deadlines_met": 1,  # Q1
        "deadlines_missed": 1,  # Q3
        "deadlines_pending": 0,
    }
    assert plain(report.table("weeks"))[0][1:] == ["3", "0", "1"]  # week of 27 April
    assert plain(report.table("weeks"))[1][1:] == ["1", "2", "1"]  # week of 4 May
    assert [row[1:] for row in plain(report.table("months"))] == [["2", "0", "1"], ["2", "2", "1"]]
    assert plain(report.table("municipalities")) == [["2000 Antwerpen", "3"], ["2600 Berchem", "1"]]
    assert plain(report.table("domains")) == [["Verblijf", "4"]]
    languages = dict(plain(report.table("languages")))
    assert languages[list(languages)[-1]] == "1"  # interpreter: Tigrinya only
    assert sorted(languages.values())[:3] == ["1", "1", "1"] and "2" in languages.values()
    assert sorted(row[1] for row in plain(report.table("requesters"))) == ["1", "3"]
    assert sorted(row[1] for row in plain(report.table("outcomes"))) == ["1", "1"]
    channels = [str(figures.CHANNELS["form"]), str(figures.CHANNELS["portal"])]
    assert plain(report.table("channels")) == [[channels[0], "3"], [channels[1], "1"]]
    # Every subject is "Vraag": one key term, in the four questions received.
    assert plain(report.table("topics")) == [["vraag", "4"]]


@pytest.mark.django_db
def test_filters_and_scope(data):
    berchem = figures.Filters(PERIOD.start, PERIOD.end, municipality=data["berchem"].pk)
    assert headline(figures.compute(data["coco"], berchem, today=TODAY))["received"] == 1
    unknown = figures.Filters(PERIOD.start, PERIOD.end, municipality="none")
    assert headline(figures.compute(data["coco"], unknown, today=TODAY))["received"] == 0
    pros = figures.Filters(PERIOD.start, PERIOD.end, requester="org:ocmw")
    assert headline(figures.compute(data["coco"], pros, today=TODAY))["answered"] == 1
    arabic = figures.Filters(PERIOD.start, PERIOD.end, contact_language="ar")
    assert headline(figures.compute(data["coco"], arabic, today=TODAY))["closed"] == 1
    lawyer = figures.Filters(PERIOD.start, PERIOD.end, outcome=Outcome.LAWYER)
    assert headline(figures.compute(data["coco"], lawyer, today=TODAY))["closed"] == 1
    # A superuser sees every region; a specialist's figures are their regions' too, but the
    # dashboard itself is the coordinators' (tests/test_dashboard.py).
    assert headline(figures.compute(data["root"], PERIOD, today=TODAY))["received"] == 5


@pytest.mark.django_db
def test_channel_of_a_question_handed_over_by_another_region(data):
    """Q6 (Gent, in on 5 May) is handed over to Antwerpen with the requester's consent: it
    counts for Antwerpen's coordinator, in the channel "handed over", not "public form"."""
    from tickets.documents import handover

    gent_specialist = make_user(roles.SPECIALIST, "gert", regions=[data["questions"][5].region])
    q6 = data["questions"][5]
    consent = handover.record_consent(
        q6, given_by="requester", recorded_by=gent_specialist, note="telefonisch op 6 mei"
    )
    handover.transfer_to_region(
        q6, to_region=data["berchem"].region, consent=consent, actor=gent_specialist
    )
    report = figures.compute(data["coco"], PERIOD, today=TODAY)
    assert headline(report)["received"] == 5
    rows = dict(plain(report.table("channels")))
    assert rows[str(figures.CHANNELS["handover"])] == "1"
    assert rows[str(figures.CHANNELS["form"])] == "3"
    for channel, received in (("handover", 1), ("form", 3), ("portal", 1)):
        filters = figures.Filters(PERIOD.start, PERIOD.end, channel=channel)
        assert headline(figures.compute(data["coco"], filters, today=TODAY))["received"] == (
            received
        )


@pytest.mark.django_db
def test_suppression_of_small_counts(data):
    report = figures.compute(data["coco"], PERIOD, today=TODAY)
    hidden = figures.suppressed(report, threshold=5)
    numbers = {key: str(cell) for key, cell in hidden.headline().items()}
    assert numbers["received"] == "< 5" and numbers["first_median"] == "< 5"
    assert numbers["deadlines_pending"] == "0"  # nothing to hide in a zero
    assert plain(hidden.table("municipalities")) == [
        ["2000 Antwerpen", "< 5"],
        ["2600 Berchem", "< 5"],
    ]
    assert plain(hidden.table("topics")) == []  # a rare key term is left out with its row
    lower = figures.suppressed(report, threshold=2)
    numbers = {key: str(cell) for key, cell in lower.headline().items()}
    assert numbers["received"] == "4" and numbers["first_median"] == "1"
    assert plain(lower.table("municipalities")) == [
        ["2000 Antwerpen", "3"],
        ["2600 Berchem", "< 2"],
    ]
    # The exact report is untouched (the team's screen).
    assert headline(report)["received"] == 4
    # The default comes from the setting.
    assert figures.suppressed(report).suppressed_below == 5


@pytest.mark.django_db
def test_searches_with_no_result_and_signals(data):
    from django.utils import timezone

    from search import querylog
    from tickets import policy_signals

    for _ in range(6):
        querylog.record("  Gezinshereniging   Broer ", "nl", 0)
    querylog.record("leefloon", "nl", 0)
    querylog.record("verblijfskaart", "nl", 12)  # found something: not listed
    assert not querylog.record("mijn nummer 85.07.30-033.61", "nl", 0)  # personal: not kept
    policy_signals.create_signal(
        author=data["coco"], category="waiting_time", description="Lange wachttijd",
        municipality=data["berchem"],
    )  # fmt: skip
    today = timezone.localdate()
    period = figures.Filters(start=today - timedelta(days=6), end=today)
    report = figures.compute(data["coco"], period)
    assert plain(report.table("searches")) == [
        ["gezinshereniging broer", "nl", "6"],
        ["leefloon", "nl", "1"],
    ]
    assert plain(report.table("signals"))[0][0] == "2600 Berchem"
    assert plain(report.table("signals"))[0][2] == "1"
    # Leaving the team: a rare search is left out altogether (its text could say too much).
    assert plain(figures.suppressed(report).table("searches")) == [
        ["gezinshereniging broer", "nl", "6"]
    ]
    assert plain(figures.suppressed(report).table("signals"))[0][2] == "< 5"
