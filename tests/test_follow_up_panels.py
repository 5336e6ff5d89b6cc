"""The follow-up page's panels (referrals, documents and handovers, erasure) skip their
queries when the question has nothing for them (tickets.intake.progress.with_panel_flags),
and show what it has when it has something."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tickets.documents import handover
from tickets.models import Consent, ErasureRequest, Referral


def page(question, code):
    client = Client()
    opened = client.post("/en/follow-up/", {"reference": question.reference, "code": code})
    assert opened.status_code == 302
    url = f"/en/follow-up/{question.reference}/"
    client.get(url)  # warm (content generation, knowledge base link)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_panels_without_rows_make_no_queries_and_with_rows_show_them():
    created = factories.new_question()
    question, code = created.question, created.access_code
    html, plain = page(question, code)
    assert "Where we referred you" not in html
    assert "You asked to erase this question" not in html

    Referral.objects.create(question=question, service_name="CAW Oost-Vlaanderen")
    Consent.objects.create(
        question=question,
        purpose=Consent.Purpose.HANDOVER,
        text_version="1",
        text=str(handover.consent_text(question)),
        language="en",
        given_by="requester",
    )
    ErasureRequest.objects.create(question=question, requested_by="requester")
    html, full = page(question, code)
    assert "Where we referred you" in html and "CAW Oost-Vlaanderen" in html
    assert "You agreed on" in html  # the handover consent not used yet
    assert "You asked to erase this question" in html
    assert full >= plain + 4  # referrals, consents, handovers, erasure requests
