"""The workspace gathers what its documents, referrals, support network and privacy panels show
once (tickets.workspace.panels.side_panels, issue 20) instead of each template tag reading it:
the panels must come out exactly as the tags write them alone, for a question in a real state
(answers with markup and long text, recorded consent, a referral, a support contact, a pending
erasure request, a legal hold), for the specialist of the region and for a coordinator, with
fewer queries."""

import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from tests.conftest import make_user
from tests.test_documents import world  # noqa: F401  (fixture)
from tests.test_referrals import referred  # noqa: F401  (fixture)
from tickets import lifecycle, referrals
from tickets.documents import handover
from tickets.privacy import retention
from tickets.referrals import network
from tickets.workspace import panels

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
SIDE_TEMPLATES = [
    "tickets/admin/_documents.html",
    "tickets/admin/_referrals.html",
    "tickets/_network.html",
    "tickets/admin/_privacy.html",
]


@pytest.fixture
def busy(world, referred):  # noqa: F811
    question = world["question"]
    sam = world["sam"]
    lifecycle.add_message(
        question,
        body="<b>Let op</b> & lees dit: uw termijn van dertig dagen loopt af op 3 maart, "
        "daarna is beroep niet meer mogelijk.",
        author_kind="staff",
        author=sam,
    )
    lifecycle.add_message(question, body="مرحبا، هذا جوابنا", author_kind="staff", author=sam)
    handover.record_consent(question, given_by="requester", recorded_by=sam, note="Telefoon")
    referrals.refer(question, referred, actor=sam)
    form = network.SupportContactForm(
        {"organisation": "CAW <Antwerpen>", "role": "begeleider", "since": "2023"}
    )
    assert form.is_valid(), form.errors
    network.add_contact(question, form, actor=sam)
    retention.request_erasure(question, reason="Ik wil\nweg")
    coordinator = make_user(roles.COORDINATOR, "cora", regions=[world["antwerpen"]])
    retention.place_hold(question, reason="Rechtszaak", actor=coordinator)
    question.refresh_from_db()
    return {"question": question, "users": [sam, coordinator]}


def render(request, question, gathered):
    context = {"question": question, "staff": True, "heading_class": "w-h3"}
    if gathered:
        context["side_panels"] = panels.side_panels(request, question)
    # The CSRF token is masked afresh on every render.
    return [
        CSRF.sub("csrf", render_to_string(name, context, request=request))
        for name in SIDE_TEMPLATES
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", [0, 1])
def test_gathered_panels_are_the_panels_the_tags_write(busy, who):
    question = busy["question"]
    request = RequestFactory().get(f"/admin/questions/{question.pk}/workspace/")
    request.user = busy["users"][who]
    render(request, question, gathered=False)  # the kept scope and permissions read
    with CaptureQueriesContext(connection) as queries_alone:
        alone = render(request, question, gathered=False)
    with CaptureQueriesContext(connection) as queries_gathered:
        gathered = render(request, question, gathered=True)
    assert gathered == alone
    page = "".join(gathered)
    assert "CAW &lt;Antwerpen&gt;" in page and "Rechtszaak" in page
    assert "Sociaal Huis Antwerpen" in page
    if who == 0:  # the specialist hands over: the unused consents are read once, not twice
        assert len(queries_gathered) < len(queries_alone)
    else:  # the coordinator neither exports nor hands over
        assert "Documents and handover" not in page
        assert len(queries_gathered) == len(queries_alone)


@pytest.mark.django_db
def test_answer_options_read_as_the_template_filters_wrote_them(busy, settings):
    from tickets.templatetags.documents import answer_options

    settings.TIME_ZONE = "Europe/Brussels"
    old = Template(
        '{{ answer.created_at|date:"SHORT_DATETIME_FORMAT" }} · {{ answer.body|truncatechars:50 }}'
    )
    new = Template("{{ answer.option_label }}")
    for language in ("nl", "ar", "en"):
        from django.utils import translation

        with translation.override(language):  # the page's language, as the request sets it
            answers = answer_options(busy["question"])
            assert len(answers) == 3
            for answer in answers:
                context = Context({"answer": answer})
                assert new.render(context) == old.render(context)
    assert any("&lt;b&gt;" in new.render(Context({"answer": a})) for a in answers)
