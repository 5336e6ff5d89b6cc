"""The newcomer's and the professional's pages as a mature public service shows them (issue 13):
confirmation with next steps, error summary, status timeline, right-to-left text, dates,
feedback, language names; the professional's consult form and page."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from backoffice import roles
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch
from tests.test_intake import CODE, REFERENCE, ask, form_data, place  # noqa: F401
from tests.test_tickets_model import PDF_BYTES
from tickets import lifecycle
from tickets.consent_texts import PROCESSING_TEXT
from tickets.models import Question, Status
from tickets.sla import due_dates


def _in(language, text):
    with translation.override(language):
        return str(translation.gettext(text))


def _asked(client, place, language="nl", **overrides):  # noqa: F811
    html = ask(client, place, language=language, **overrides).content.decode()
    reference = REFERENCE.search(html).group(1)
    return Question.objects.get(reference=reference), html


# --- confirmation page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirmation_says_what_happens_next_and_when(client, place):  # noqa: F811
    deadline = date.today() + timedelta(days=20)
    question, html = _asked(client, place, legal_deadline=deadline.isoformat())
    expected = due_dates.due_dates(question)[1]
    assert question.answer_due == expected
    with translation.override("nl"):
        from backoffice.templatetags.wegwijs import public_date

        assert public_date(expected) in html  # "29 november 2026"
        assert public_date(deadline) in html
    assert in_dutch("What happens next") in html
    assert in_dutch("A legal specialist reads your question and your documents.") in html


@pytest.mark.django_db
def test_confirmation_can_be_printed_and_saved_and_the_code_does_not_break(client, place):  # noqa: F811
    question, html = _asked(client, place)
    code = CODE.search(html).group(1)
    # A print button for browsers with JavaScript; the text says how to print without it.
    assert "data-print hidden" in html and "tickets/confirmation.js" in html
    assert in_dutch("Print this page") in html
    # A small text file with the reference and the code, made in the page (no server copy).
    saved = re.search(
        r'download="wegwijs-[^"]+\.txt" href="data:text/plain;charset=utf-8,([^"]+)"', html
    )
    from urllib.parse import unquote

    assert question.reference in unquote(saved.group(1)) and code in unquote(saved.group(1))
    css = open("backoffice/static/backoffice/css/site.css", encoding="utf-8").read()
    assert re.search(r"\.credentials code, \.nowrap \{ white-space: nowrap;", css)
    assert "@media print" in css and ".no-print" in css


@pytest.mark.django_db
def test_follow_my_question_opens_it_without_typing_the_code_again(client, place):  # noqa: F811
    from tests.test_intake import client_class_new_session

    question, html = _asked(client, place)
    code = CODE.search(html).group(1)
    form = re.search(r'<form method="post" action="(/nl/follow-up/)"[^>]*>(.*?)</form>', html, re.S)
    assert form, "Follow my question is a POST form"
    assert f'name="reference" value="{question.reference}"' in form.group(2)
    assert f'name="code" value="{code}"' in form.group(2)
    assert not re.search(r'href="[^"]*\?[^"]*code=', html)  # never the code in a GET address
    # The hidden fields open the question, also on a session that has not opened it yet.
    other = client_class_new_session(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = other.post(
        "/nl/follow-up/",
        {"reference": question.reference, "code": code, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/follow-up/{question.reference}/")


# --- error summary ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_error_summary_comes_first_with_short_links_and_takes_focus(client, place):  # noqa: F811
    data = form_data(place)
    del data["processing_consent"]
    html = client.post("/nl/ask/", data).content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert main.index("data-error-summary") < main.index("<h1")
    summary = main.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'tabindex="-1"' in main.split("data-error-summary", 1)[0][-200:]
    link = re.search(r'<a href="#id_processing_consent">([^<]+)</a>', summary).group(1)
    assert len(link) < 90
    assert in_dutch(PROCESSING_TEXT)[:40] not in summary  # not the whole consent paragraph
    assert "tickets/error-summary.js" in html


@pytest.mark.django_db
def test_a_too_large_file_is_reported_once(client, place, settings):  # noqa: F811
    settings.ATTACHMENT_MAX_BYTES = 200
    upload = SimpleUploadedFile("groot.pdf", PDF_BYTES + b"0" * 1000)
    response = client.post("/nl/ask/", form_data(place, files=[upload]))
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == 1, summary
    assert html.count("groot.pdf") == 2  # in the summary and at the field, each once


# --- follow-up page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_follow_up_shows_a_timeline_with_dates_and_the_expected_answer(client, place):  # noqa: F811
    question, _html = _asked(client, place, language="ar")
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    timeline = page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    labels = re.findall(r'class="timeline__label">([^<]+)<', timeline)
    assert labels == [in_dutch("Received"), in_dutch("Being handled"), in_dutch("Answered")]
    with translation.override("nl"):
        from backoffice.templatetags.wegwijs import public_date

        expected = public_date(question.answer_due)
    assert expected in timeline and expected in page.split("timeline-section", 1)[1]

    staff = make_user(roles.SPECIALIST, "sam", regions=[question.region])
    lifecycle.change_status(question, Status.WAITING, actor=staff, actor_kind="staff")
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    assert 'aria-current="step"' in page and in_dutch("Waiting for you") in page
    lifecycle.add_message(question, body="Ons antwoord.", author_kind="staff", author=staff)
    lifecycle.close(question, "answered", actor=staff)
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    timeline = page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert timeline.count("timeline__step--done") == 4  # received, handled, answered, closed
    assert "timeline__step--pending" not in timeline


@pytest.mark.django_db
def test_handover_consent_is_asked_only_once_there_is_an_answer(client, place):  # noqa: F811
    question, _html = _asked(client, place)
    url = f"/nl/follow-up/{question.reference}/"
    assert "handover-consent" not in client.get(url).content.decode()
    lifecycle.add_message(question, body="Een andere dienst kan u helpen.", author_kind="staff")
    assert "handover-consent" in client.get(url).content.decode()
    lifecycle.mark_solved(question, actor_kind="requester")
    assert "handover-consent" not in client.get(url).content.decode()


# --- right to left, dates ---------------------------------------------------------------------


@pytest.mark.django_db
def test_user_and_staff_text_keep_their_own_direction_and_dates_are_day_first(client, place):  # noqa: F811
    question, _html = _asked(client, place, language="ar")
    lifecycle.add_message(
        question, body="1. Ga naar het OCMW.\n2. Neem uw kaart mee.", author_kind="staff"
    )
    page = client.get(f"/ar/follow-up/{question.reference}/").content.decode()
    assert page.count('class="message-card__body" dir="auto"') == 2
    assert re.search(r'<strong dir="auto">Leefloon geweigerd</strong>', page)
    created = question.created_at.astimezone()
    month_first = f"{created.month:02d}/{created.day:02d}/{created.year}"
    assert month_first not in page
    with translation.override("ar"):
        month = translation.gettext(created.strftime("%B"))
    assert f"{created.day} {month} {created.year}" in page


def test_every_language_has_one_day_first_date_format():
    from datetime import datetime

    from backoffice.templatetags.wegwijs import public_date, public_datetime

    day = datetime(2026, 11, 29, 15, 14)
    shown = {}
    for language in ["nl", "fr", "en", "ar", "uk"]:
        with translation.override(language):
            shown[language] = (public_date(day.date()), public_datetime(day))
            from django.utils import formats

            assert formats.date_format(day, "SHORT_DATETIME_FORMAT").startswith("29")
    assert shown["nl"][0] == "29 november 2026"
    assert shown["en"][0] == "29 November 2026"
    assert shown["uk"][0] == "29 листопада 2026"
    assert shown["ar"][0].startswith("29 ") and "11/29" not in shown["ar"][1]


# --- feedback ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feedback_after_closing_once_with_thanks(client, place):  # noqa: F811
    question, _html = _asked(client, place)
    url = f"/nl/follow-up/{question.reference}/"
    helped = in_dutch("Did the answer help you?")
    assert helped not in client.get(url).content.decode()  # no answer yet
    lifecycle.add_message(question, body="Ons antwoord.", author_kind="staff")
    staff = make_user(roles.SPECIALIST, "sam", regions=[question.region])
    lifecycle.close(question, "answered", actor=staff)
    page = client.get(url).content.decode()
    assert helped in page and 'value="not_helpful"' in page  # also after closing
    page = client.post(url, {"action": "not_helpful"}, follow=True).content.decode()
    assert 'value="helpful"' not in page and 'value="not_helpful"' not in page
    assert in_dutch("Thank you for telling us.") in page
    client.post(url, {"action": "helpful"}, follow=True)
    question.refresh_from_db()
    assert question.helpful is False  # once: the second vote changed nothing


# --- the form's language list and its headings ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "uk"])
def test_answer_languages_by_their_own_name_on_arabic_and_ukrainian_pages(client, language):
    html = client.get(f"/{language}/ask/").content.decode()
    options = dict(re.findall(r'<option value="([a-z]{2,3})"[^>]*>([^<]+)</option>', html))
    assert options["de"] == "Deutsch"
    assert options["ti"] == "ትግርኛ"
    assert options["ar"] == "العربيّة"
    from django.conf.locale import LANG_INFO

    english = {c: f"({i['name']})" for c, i in LANG_INFO.items() if "name" in i}
    assert not [name for c, name in options.items() if english.get(c, "(Tigrinya)") in name]


@pytest.mark.django_db
def test_the_required_municipality_is_not_under_an_optional_heading(client):
    html = client.get("/nl/ask/").content.decode()
    optional = in_dutch(
        "Both are optional. Without them, you follow your question with the reference and "
        "code you get next."
    )
    fieldsets = re.findall(r"<fieldset.*?</fieldset>", html, re.S)
    holding = [f for f in fieldsets if 'name="municipality"' in f]
    assert holding and optional not in holding[0]
    assert 'name="email"' not in holding[0]


# --- professional ----------------------------------------------------------------------------


@pytest.fixture
def professional(place):  # noqa: F811
    pro = make_user(roles.PROFESSIONAL, "olga", organisation=factories.organisation(place))
    return pro


@pytest.mark.django_db
def test_consult_page_and_listing_show_the_legal_deadline(client, place, professional):  # noqa: F811
    deadline = date.today() + timedelta(days=9)
    created = factories.new_question(
        subject="Bevel om het grondgebied te verlaten",
        body="Beroep binnen 30 dagen.",
        municipality=place,
        deadline=deadline,
        professional=professional,
        client_pseudonym="gezin B",
        client_consent=True,
    )
    client.force_login(professional)
    with translation.override("nl"):
        from backoffice.templatetags.wegwijs import public_date

        shown = public_date(deadline)
    page = client.get(f"/nl/pro/{created.question.reference}/").content.decode()
    assert in_dutch("Legal deadline") in page and shown in page
    listing = client.get("/nl/pro/").content.decode()
    assert "table--stack" in listing and shown in listing
    assert f'data-label="{in_dutch("Legal deadline")}"' in listing


@pytest.mark.django_db
def test_consult_form_suggests_articles_like_the_newcomer_form(client, professional):
    from search import service
    from tests.search_corpus import fake_articles

    client.force_login(professional)
    page = client.get("/nl/pro/new/").content.decode()
    assert 'name="check_kb"' in page and "search/suggest.js" in page
    with fake_articles():
        service.rebuild("article")
        response = client.post(
            "/nl/pro/new/",
            {
                "check_kb": "1",
                "client_pseudonym": "gezin C",
                "subject": "Gezinshereniging",
                "body": "Zijn vrouw wil overkomen",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gezinshereniging aanvragen" in html
    assert 'value="gezin C"' in html and "Zijn vrouw wil overkomen" in html
    assert not Question.objects.exists()
