"""The queue (listing, filters, quick views, export, bulk actions) and the workspace's triage,
closing, composer and optimistic check."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import capfirst

from backoffice import roles
from backoffice.models import AuditEvent, Municipality
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch, in_dutch_html
from tickets import lifecycle
from tickets.lifecycle import ConcurrentReply
from tickets.models import AnswerTemplate, Message, MessageDraft, Outcome, Question, Status


@pytest.fixture
def world(db):
    regions = factories.regions("antwerpen", "gent")
    return {
        "regions": regions,
        "sam": make_user(roles.SPECIALIST, "sam", regions=[regions["antwerpen"]]),
        "noor": make_user(roles.SPECIALIST, "noor", regions=[regions["antwerpen"]]),
        "piet": make_user(roles.SPECIALIST, "piet", regions=[regions["gent"]]),
        "coco": make_user(roles.COORDINATOR, "coco", regions=[regions["antwerpen"]]),
    }


def ask(world, slug="antwerpen", subject="Verblijfskaart", deadline=None, **kwargs):
    return factories.question(
        subject=subject,
        contact_language="ar",
        municipality=world["regions"][slug].municipalities.first(),
        deadline=deadline,
        **kwargs,
    )


def references(response):
    html = response.content.decode()
    return [q.reference for q in Question.objects.order_by("pk") if q.reference in html]


@pytest.mark.django_db
def test_listing_puts_legal_deadlines_first_and_shows_the_columns(client, world):
    plain = ask(world, subject="Zonder termijn")
    late = ask(world, deadline=timezone.localdate() + timedelta(days=30))
    soon = ask(world, deadline=timezone.localdate() + timedelta(days=3))
    ask(world, "gent", subject="Gent")
    client.force_login(world["sam"])
    response = client.get("/admin/questions/")
    html = response.content.decode()
    order = [q.reference for q in (soon, late, plain)]
    positions = [html.index(reference) for reference in order]
    assert positions == sorted(positions)
    assert "Gent" not in references(response) and "Zonder termijn" in html
    for header in ("Legal deadline", "First response due", "Assignee", "Age"):
        assert in_dutch_html(header) in html


@pytest.mark.django_db
def test_rows_escape_what_the_requester_typed_and_link_the_workspace(client, world):
    question = ask(world, subject='<img src=x onerror="alert(1)"> & verblijf')
    client.force_login(world["sam"])
    html = client.get("/admin/questions/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; verblijf" in html
    assert f'<a href="/admin/questions/{question.pk}/workspace/">{question.reference}</a>' in html
    label = in_dutch("Select %(reference)s") % {"reference": question.reference}
    assert f'value="{question.pk}" form="question-bulk" aria-label="{label}"' in html


@pytest.mark.django_db
def test_the_queue_is_the_open_work_and_closed_questions_are_an_archive(client, world):
    open_question = ask(world, subject="Nog open")
    older, newer = ask(world, subject="Eerder gesloten"), ask(world, subject="Later gesloten")
    for closed in (older, newer):  # closed as staff close them, with an outcome
        lifecycle.close(closed, Outcome.ANSWERED, actor=world["sam"])
    Question.objects.filter(pk=newer.pk).update(created_at=timezone.now() + timedelta(hours=1))
    client.force_login(world["sam"])
    html = client.get("/admin/questions/").content.decode()
    assert open_question.reference in html
    assert older.reference not in html and newer.reference not in html
    hint = "Closed questions: choose a status in the filters, or search by reference."
    assert in_dutch_html(hint) in html

    archive = client.get("/admin/questions/", {"status": Status.CLOSED}).content.decode()
    assert open_question.reference not in archive
    assert archive.index(newer.reference) < archive.index(older.reference)
    found = client.get("/admin/questions/", {"q": f" {older.reference.lower()} "}).content.decode()
    assert older.reference in found


@pytest.mark.django_db
def test_filters_sorting_and_quick_views(client, world):
    mine = ask(world, subject="Mijn vraag")
    lifecycle.assign(mine, world["sam"], actor=world["sam"])
    other = ask(world, subject="Andere vraag")
    client.force_login(world["sam"])
    assert references(client.get("/admin/questions/?view=mine")) == [mine.reference]
    assert references(client.get("/admin/questions/?view=unassigned")) == [other.reference]
    assert references(client.get(f"/admin/questions/?assignee={world['sam'].pk}")) == [
        mine.reference
    ]
    assert references(client.get("/admin/questions/?contact_language=AR")) == [
        mine.reference,
        other.reference,
    ]
    assert references(client.get("/admin/questions/?status=closed")) == []
    for ordering in ("subject", "-priority", "effective_due", "assignee__username", "created_at"):
        assert client.get(f"/admin/questions/?ordering={ordering}").status_code == 200


@pytest.mark.django_db
def test_listing_query_count_does_not_grow_with_the_page(client, world, monkeypatch):
    for index in range(40):
        question = ask(world, subject=f"Vraag {index}")
        lifecycle.assign(question, world["sam" if index % 2 else "noor"], actor=world["sam"])
    client.force_login(world["sam"])

    from tickets.wagtail_hooks import QuestionIndexView

    def queries(per_page):
        monkeypatch.setattr(QuestionIndexView, "get_paginate_by", lambda view, qs: per_page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/admin/questions/")
        assert response.status_code == 200
        return len(captured), response

    few, small = queries(5)
    many, large = queries(40)
    assert len(references(small)) == 5 and len(references(large)) == 40
    assert many <= few


def shown_in_order(response) -> list[str]:
    """The references of the table's rows, top to bottom."""
    import re

    return re.findall(
        r'<td class="title"><div class="title-wrapper"><a href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


@pytest.mark.django_db
def test_every_page_lists_the_next_questions_of_the_listing_order(client, world, monkeypatch):
    """A page's questions are read in two steps (the page's keys, then those questions): the
    pages together are the listing, in its order, with nothing from another region."""
    from tickets.wagtail_hooks import QuestionIndexView

    monkeypatch.setattr(QuestionIndexView, "get_paginate_by", lambda view, qs: 3)
    today = timezone.localdate()
    mine = [
        ask(world, subject=f"Vraag {index}", deadline=today + timedelta(days=index % 3 or 30))
        for index in range(7)
    ]
    for question in mine[:2]:
        lifecycle.assign(question, world["noor"], actor=world["sam"])
    for question in mine[4:]:  # closed as staff close them
        lifecycle.close(question, Outcome.ANSWERED, actor=world["sam"])
    for index, question in enumerate(mine):  # same times too: the key decides between them
        Question.objects.filter(pk=question.pk).update(
            created_at=timezone.now() - timedelta(hours=index // 2)
        )
    ask(world, "gent", subject="Gent", deadline=today)
    client.force_login(world["sam"])

    def pages(**params):
        shown = []
        for number in (1, 2, 3):  # 3 a page: 4 open questions, 7 in all
            response = client.get("/admin/questions/", {**params, "p": number})
            assert response.status_code == 200
            shown += shown_in_order(response)
            if not response.context["page_obj"].has_next():
                return shown  # (a page past the last shows the last again)
        return shown

    visible = Question.objects.filter(region=world["regions"]["antwerpen"]).with_effective_due()
    open_work = visible.open().queue_order()
    assert pages() == [q.reference for q in open_work]
    archive = visible.order_by("-created_at", "-pk")
    assert pages(status=[Status.CLOSED, Status.OPEN, Status.NEW]) == [q.reference for q in archive]
    by_due = visible.open().order_by("-effective_due", "pk")
    assert pages(ordering="-effective_due") == [q.reference for q in by_due]
    # What the cells show comes with the page's questions: the assignee's name, the place.
    first_page = client.get("/admin/questions/", {"ordering": "subject"}).content.decode()
    assert "noor" in first_page and mine[0].municipality.name in first_page
    assert "Gent" not in shown_in_order(client.get("/admin/questions/", {"q": "Gent"}))


@pytest.mark.django_db
def test_a_searchs_pages_are_its_matches_in_the_listing_order(client, world, monkeypatch):
    """The staff search reads its matches' keys once (MatchesPaginator): each page then reads
    its own questions by key, with only what the table shows, as the listing's pages do."""
    from search import service
    from tickets.wagtail_hooks import QuestionIndexView

    monkeypatch.setattr(QuestionIndexView, "get_paginate_by", lambda view, qs: 2)
    today = timezone.localdate()
    found = [
        ask(world, subject=f"Gezinshereniging {index}", deadline=today + timedelta(days=9 - index))
        for index in range(5)
    ]
    lifecycle.assign(found[1], world["noor"], actor=world["sam"])
    lifecycle.close(found[3], Outcome.ANSWERED, actor=world["sam"])  # search covers closed ones
    ask(world, subject="Verblijfskaart")
    ask(world, "gent", subject="Gezinshereniging in Gent")
    service.rebuild("question")
    client.force_login(world["sam"])

    shown, pages_read = [], []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/admin/questions/", {"q": "gezinshereniging", "p": number})
        assert response.status_code == 200
        assert response.context["paginator"].count == 5
        shown += shown_in_order(response)
        pages_read += [q["sql"] for q in captured if '"tickets_question"."subject"' in q["sql"]]
    visible = Question.objects.filter(region=world["regions"]["antwerpen"])
    assert shown == [
        q.reference for q in visible.filter(pk__in=[q.pk for q in found]).queue_order()
    ]
    # A page's questions are read without what the table does not show (the question's body).
    assert pages_read and not any('"tickets_question"."body"' in sql for sql in pages_read)
    # What the cells show comes with them: the assignee's name.
    first = client.get("/admin/questions/", {"q": "gezinshereniging", "ordering": "-subject"})
    assert shown_in_order(first) == [found[4].reference, found[3].reference]
    second = client.get("/admin/questions/", {"q": "gezinshereniging", "ordering": "subject"})
    assert shown_in_order(second) == [found[0].reference, found[1].reference]
    assert "noor" in second.content.decode()


@pytest.mark.django_db
def test_the_count_is_capped(client, world, monkeypatch):
    from tickets.wagtail_hooks import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for index in range(5):
        ask(world, subject=f"Vraag {index}")
    client.force_login(world["sam"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin/questions/?status=new")
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    html = response.content.decode()
    above = "More than %(count)s questions: use a quick view or the filters to see fewer."
    assert in_dutch_html(above) % {"count": 3} in html  # above the table
    pager = capfirst(in_dutch_html("more than %(count)d questions") % {"count": 3})
    assert pager in html


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_is_limited_to_my_regions_and_audited(client, world, export_format):
    ask(world, subject="Antwerpse vraag")
    ask(world, "gent", subject="Gentse vraag")
    client.force_login(world["sam"])
    response = client.get(f"/admin/questions/?export={export_format}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        text = content.decode()
        assert "Antwerpse vraag" in text and "Gentse vraag" not in text
        assert "@" not in text  # no e-mail addresses leave in an export
    else:
        assert content[:2] == b"PK"
    event = AuditEvent.objects.get(action="question.export")
    assert event.actor == world["sam"] and event.details["format"] == export_format


@pytest.mark.django_db
def test_bulk_assign_priority_and_close(client, world):
    first, second = ask(world), ask(world)
    client.force_login(world["sam"])
    ids = [first.pk, second.pk]
    response = client.post(
        "/admin/questions/bulk/",
        {"action": "assign", "assignee": world["noor"].pk, "question": ids, "next": "/admin/x/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/x/"
    assert set(Question.objects.values_list("assignee__username", flat=True)) == {"noor"}
    client.post("/admin/questions/bulk/", {"action": "priority", "priority": 4, "question": ids})
    assert set(Question.objects.values_list("priority", flat=True)) == {4}
    refused = client.post("/admin/questions/bulk/", {"action": "close", "question": ids})
    assert refused.status_code == 302
    assert not Question.objects.filter(status=Status.CLOSED).exists()  # outcome required
    client.post(
        "/admin/questions/bulk/",
        {"action": "close", "outcome": Outcome.OUT_OF_SCOPE, "question": ids},
    )
    assert set(Question.objects.values_list("status", "outcome")) == {
        (Status.CLOSED, Outcome.OUT_OF_SCOPE)
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"question.triage", "question.status"} <= actions


@pytest.mark.django_db
def test_bulk_actions_refuse_questions_outside_my_regions_and_foreign_assignees(client, world):
    mine, theirs = ask(world), ask(world, "gent")
    client.force_login(world["sam"])
    client.post(
        "/admin/questions/bulk/",
        {"action": "priority", "priority": 4, "question": [mine.pk, theirs.pk]},
    )
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.priority == 2 and mine.priority == 2  # the whole request is refused
    client.post(
        "/admin/questions/bulk/",
        {"action": "assign", "assignee": world["piet"].pk, "question": [mine.pk]},
    )
    mine.refresh_from_db()
    assert mine.assignee is None  # a specialist of another region cannot handle it


@pytest.mark.django_db
def test_take_triage_and_close_in_the_workspace(client, world):
    question = ask(world)
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["sam"])
    page = client.get(url).content.decode()
    assert in_dutch_html("Take this question") in page
    assert "piet" not in page  # assignee choices: specialists of the question's region
    client.post(url, {"action": "take"})
    question.refresh_from_db()
    assert question.assignee == world["sam"]
    refused = client.post(
        url,
        {"action": "triage", "legal_domain": question.legal_domain_id, "priority": 2,
         "assignee": world["piet"].pk},
    )  # fmt: skip
    assert refused.status_code == 400
    response = client.post(url, {"action": "close", "outcome": Outcome.OTHER_SERVICE})
    assert response.status_code == 400  # which service?
    client.post(url, {"action": "close", "outcome": Outcome.OTHER_SERVICE, "service": "CAW"})
    question.refresh_from_db()
    assert (question.status, question.outcome_service) == (Status.CLOSED, "CAW")
    client.post(url, {"action": "status", "status": Status.OPEN})
    question.refresh_from_db()
    assert question.status == Status.OPEN and question.outcome == ""


@pytest.mark.django_db
def test_audit_trail_is_shown_to_coordinators_only(client, world):
    question = ask(world)
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["sam"])
    assert in_dutch_html("Audit trail") not in client.get(url).content.decode()
    client.force_login(world["coco"])
    page = client.get(url).content.decode()
    assert in_dutch_html("Audit trail") in page and "question.create" in page


@pytest.mark.django_db
def test_a_second_answer_is_warned_and_kept_not_duplicated(client, world):
    question = ask(world)
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["noor"])
    seen = client.get(url).context["form"].initial["last_seen"]
    # Meanwhile sam answers.
    lifecycle.add_message(
        question, body="Antwoord van Sam", author_kind="staff", author=world["sam"]
    )
    response = client.post(
        url, {"body": "Antwoord van Noor", "internal": "0", "last_seen": seen, "intent": "send"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Antwoord van Noor" in html  # the text is kept
    assert in_dutch_html(ConcurrentReply(0).messages[0]) in html
    assert question.messages.count() == 1
    newer = response.context["form"]["last_seen"].value()
    confirmed = client.post(
        url, {"body": "Antwoord van Noor", "internal": "0", "last_seen": newer, "intent": "send"}
    )
    assert confirmed.status_code == 302
    assert list(question.messages.values_list("body", flat=True)) == [
        "Antwoord van Sam",
        "Antwoord van Noor",
    ]


@pytest.mark.django_db
def test_internal_notes_are_not_held_back_by_the_check(client, world):
    question = ask(world)
    lifecycle.add_message(question, body="Antwoord", author_kind="staff", author=world["sam"])
    client.force_login(world["noor"])
    response = client.post(
        f"/admin/questions/{question.pk}/workspace/",
        {"body": "Notitie", "internal": "1", "last_seen": 0, "intent": "send"},
    )
    assert response.status_code == 302
    assert question.messages.filter(kind=Message.Kind.INTERNAL).count() == 1


@pytest.mark.django_db
def test_draft_preview_and_template_without_javascript(client, world):
    question = ask(world, deadline=timezone.localdate() + timedelta(days=9))
    AnswerTemplate.objects.create(
        title="Beroep",
        legal_domain=question.legal_domain,
        language="nl",
        body="Uw vraag {reference} ({region}): beroep vóór {deadline}.",
    )
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["sam"])
    client.post(url, {"body": "Half *klaar*", "internal": "0", "intent": "draft"})
    assert MessageDraft.objects.get(question=question, author=world["sam"]).body == "Half *klaar*"
    reopened = client.get(url)
    assert reopened.context["form"].initial["body"] == "Half *klaar*"
    preview = client.post(url, {"body": "Half *klaar*", "intent": "preview"}).content.decode()
    assert "<em>klaar</em>" in preview
    template = AnswerTemplate.objects.get()
    inserted = client.post(url, {"body": "Hallo", "intent": "template", "template": template.pk})
    body = inserted.context["form"].initial["body"]
    assert body.startswith("Hallo\n\nUw vraag " + question.reference + " (Antwerpen)")
    assert question.legal_deadline.strftime("%d/%m/%Y") in body
    client.post(url, {"body": "Klaar", "internal": "0", "intent": "send"})
    assert not MessageDraft.objects.filter(question=question).exists()
    assert not question.messages.filter(body__contains="{reference}").exists()


@pytest.mark.django_db
def test_preview_endpoint_sanitises(client, world):
    client.force_login(world["sam"])
    response = client.post(
        "/admin/questions/preview/", {"body": "**vet** <script>alert(1)</script>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>vet</strong>" in html and "<script" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("narrowed", [False, True])
def test_specialists_can_be_narrowed_to_their_domains(client, world, settings, narrowed):
    settings.SPECIALISTS_SEE_ONLY_THEIR_DOMAINS = narrowed
    region = world["regions"]["antwerpen"]
    housing_only = make_user(roles.SPECIALIST, "huisvesting", regions=[region], domains=["housing"])
    residence = ask(world)  # residence
    housing = factories.question(
        domain="housing", subject="Huurwaarborg", municipality=region.municipalities.first()
    )
    from tickets.access import staff_questions

    seen = set(staff_questions(housing_only).values_list("pk", flat=True))
    assert seen == ({housing.pk} if narrowed else {housing.pk, residence.pk})
    # Coordinators and specialists without domains keep the whole region.
    assert set(staff_questions(world["coco"])) == {residence, housing}
    assert set(staff_questions(world["sam"])) == {residence, housing}
    assert lifecycle.can_be_assigned(residence, housing_only) is not narrowed


@pytest.mark.django_db
def test_municipality_filter_and_column(client, world):
    antwerpen = world["regions"]["antwerpen"]
    berchem = Municipality.objects.create(name="Berchem", postcode="2600", region=antwerpen)
    here = ask(world, subject="In Antwerpen")
    # Named by the requester, as the intake stores them: another municipality of the region,
    # and only the region (for people who cannot or will not name their municipality).
    there = factories.question(subject="In Berchem", contact_language="ar", municipality=berchem)
    unknown = factories.question(subject="Zonder gemeente", contact_language="ar", region=antwerpen)
    client.force_login(world["sam"])
    html = client.get("/admin/questions/").content.decode()
    assert in_dutch_html("Municipality") in html and "2600 Berchem" in html
    assert references(client.get(f"/admin/questions/?municipality={berchem.pk}")) == [
        there.reference
    ]
    assert references(client.get("/admin/questions/?municipality=null")) == [unknown.reference]
    assert here.reference not in references(
        client.get(f"/admin/questions/?municipality={berchem.pk}")
    )
    # Only the municipalities of the user's regions are offered; another one is refused.
    gent = Municipality.objects.get(postcode="9000")
    refused = client.get(f"/admin/questions/?municipality={gent.pk}")
    gentse = ask(world, "gent", subject="Gentse vraag")
    refused = client.get(f"/admin/questions/?municipality={gent.pk}")
    assert "9000 Gent" not in refused.content.decode()
    assert gentse.reference not in references(refused)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_export_has_the_municipality_and_headings_in_the_readers_language(client, world, language):
    import csv
    import io

    from django.utils import translation

    question = ask(world, subject="Antwerpse vraag")
    from wagtail.users.models import UserProfile

    admin_profile = UserProfile.get_for_user(world["sam"])  # the admin's own language setting
    admin_profile.preferred_language = language
    admin_profile.save()
    client.force_login(world["sam"])
    response = client.get("/admin/questions/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    with translation.override(language):
        expected = [
            str(translation.gettext(text))
            for text in ("Reference", "Subject", "Legal domain", "Region", "Municipality")
        ]
        new = str(Status.NEW.label)
    assert rows[0][:5] == expected
    assert all(heading[:1].isupper() for heading in rows[0]), rows[0]
    assert "_" not in "".join(rows[0]) and "." not in "".join(rows[0])
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row[expected[0]] == question.reference and row[expected[4]] == "Antwerpen"
    assert new in rows[1], rows[1][6:]
