"""The side panels skip reading the relations a question has no row of (issue 20, fewer queries:
the workspace's query of the question also says whether it has any row of six relations,
tickets.workspace.panels.absent_relations). A panel is
never emptier than what the tags write alone: for a question with nothing yet, after an outside
handover with its case file, and for the busy question of tests/test_workspace_side_panels.py
(referral, support contact, pending erasure, legal hold)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_documents import world  # noqa: F401  (fixture)
from tests.test_referrals import referred  # noqa: F401  (fixture)
from tests.test_workspace_side_panels import busy, render  # noqa: F401  (fixture)
from tickets.documents import handover
from tickets.workspace import panels


def request_of(user, question):
    request = RequestFactory().get(f"/admin/questions/{question.pk}/workspace/")
    request.user = user
    return request


def as_the_page_reads_it(request, question):
    """The question as the workspace reads it (with what it has of the side relations)."""
    return panels.scoped_question(request, question.pk)


@pytest.mark.django_db
def test_a_question_with_nothing_yet_is_read_in_fewer_queries(world):  # noqa: F811
    request = request_of(world["sam"], world["question"])
    question = as_the_page_reads_it(request, world["question"])
    assert panels.absent_relations(question) == frozenset(panels.SIDE_RELATIONS)
    # A question read otherwise says nothing: every panel reads its own.
    assert panels.absent_relations(world["question"]) == frozenset()
    render(request, question, gathered=False)  # the kept scope and permissions read
    with CaptureQueriesContext(connection) as alone_queries:
        alone = render(request, question, gathered=False)
    with CaptureQueriesContext(connection) as gathered_queries:
        gathered = render(request, question, gathered=True)
    assert gathered == alone
    assert len(gathered_queries) <= len(alone_queries) - 4


@pytest.mark.django_db
def test_an_outside_handover_and_its_case_file_are_shown(world):  # noqa: F811
    question, sam = world["question"], world["sam"]
    consent = handover.record_consent(
        question, given_by="requester", recorded_by=sam, note="Telefoon"
    )
    handover.hand_over_external(
        question, recipient_name="CAW Oost", recipient_contact="caw@example.org",
        consent=consent, actor=sam,
    )  # fmt: skip
    request = request_of(sam, question)
    question = as_the_page_reads_it(request, question)
    absent = panels.absent_relations(question)
    assert "handovers" not in absent and "documents" not in absent
    assert "referrals" in absent and "legal_holds" in absent
    gathered = render(request, question, gathered=True)
    assert gathered == render(request, question, gathered=False)
    assert "CAW Oost" in gathered[0]  # the handover in the documents panel
    document = question.documents.get()
    assert reverse("tickets_document", args=[document.pk]) in gathered[0]  # the case file


@pytest.mark.django_db
def test_a_busy_question_reads_what_it_has(busy):  # noqa: F811
    for user in busy["users"]:
        request = request_of(user, busy["question"])
        question = as_the_page_reads_it(request, busy["question"])
        absent = panels.absent_relations(question)
        for name in ("referrals", "support_contacts", "legal_holds", "erasure_requests"):
            assert name not in absent
        gathered = render(request, question, gathered=True)
        assert gathered == render(request, question, gathered=False)
    page = "".join(gathered)
    assert "CAW &lt;Antwerpen&gt;" in page and "Rechtszaak" in page
