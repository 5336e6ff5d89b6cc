"""Referrals that arrive: closing as referred to a directory service, the warm handover with
consent, the one-time receipt link, and what the requester sees."""

import pytest
from django.core.exceptions import ValidationError

from backoffice.models import AuditEvent
from directory import importing
from directory.models import Service
from tests.directory_helpers import service_row
from tests.i18n import in_dutch_html
from tests.test_documents import open_follow_up, world  # noqa: F401  (fixture)
from tickets import referrals
from tickets.documents import handover
from tickets.models import GeneratedDocument, Handover, Referral, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(world):  # noqa: F811
    from directory.models import MunicipalityFacts

    for place in ("antwerpen", "gent"):
        municipality = world["question"].municipality.__class__.objects.get(name=place.title())
        MunicipalityFacts.objects.get_or_create(municipality=municipality, area="flanders")
    result = importing.import_services(
        [
            service_row(
                "ocmw-antwerpen",
                name="Sociaal Huis Antwerpen",
                region="antwerpen",
                municipalities="Antwerpen",
                address="Lange Gasthuisstraat 40",
                postcode="2000",
                town="Antwerpen",
                languages="nl uk",
                walk_in_times="ma-vr 9:00-12:00",
                email="onthaal@ocmw.example",
            )
        ],
        dry_run=False,
    )
    assert result.written, [r.errors for r in result.rows]
    return Service.objects.get(key="ocmw-antwerpen")


def _close(client, question, service, outcome="other_service"):
    return client.post(
        f"/admin/questions/{question.pk}/workspace/",
        {"action": "close", "outcome": outcome, "service": "", "directory_service": service.pk},
    )


def test_closing_as_referred_names_the_directory_service_and_the_requester_sees_it(
    client,
    world,  # noqa: F811
    referred,
):
    question = world["question"]
    client.force_login(world["sam"])
    workspace = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert "Antwerpen – Sociaal Huis Antwerpen" in workspace  # offered when closing
    assert _close(client, question, referred).status_code == 302
    question.refresh_from_db()
    assert question.status == Status.CLOSED
    assert question.outcome_service == "Sociaal Huis Antwerpen"
    referral = Referral.objects.get(question=question)
    assert referral.service == referred and referral.handover is None
    assert AuditEvent.objects.filter(action="question.referral").exists()
    workspace = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert in_dutch_html("referred (not handed over)") in workspace
    client.logout()
    open_follow_up(client, world)
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    assert "Sociaal Huis Antwerpen" in page
    assert "Lange Gasthuisstraat 40, 2000 Antwerpen" in page
    assert "ma-vr 9:00-12:00" in page and "українська" in page.lower()


def test_answered_outcome_records_no_referral(client, world, referred):  # noqa: F811
    client.force_login(world["sam"])
    _close(client, world["question"], referred, outcome="answered")
    assert not Referral.objects.exists()


def test_warm_referral_needs_consent(client, world, referred):  # noqa: F811
    question = world["question"]
    client.force_login(world["sam"])
    _close(client, question, referred)
    referral = Referral.objects.get()
    response = client.post(f"/admin/questions/{question.pk}/referrals/{referral.pk}/warm/", {})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.handover is None and referral.receipt_token_hash == ""
    assert not Handover.objects.exists()
    with pytest.raises(ValidationError):
        referrals.refer_warm(referral, consent=None, actor=world["sam"])


def test_warm_referral_with_consent_hands_over_and_the_receipt_link_works_once(
    client,
    world,  # noqa: F811
    referred,
):
    question = world["question"]
    client.force_login(world["sam"])
    _close(client, question, referred)
    referral = Referral.objects.get()
    consent = handover.record_consent(
        question, given_by="requester", recorded_by=world["sam"], note="Telefonisch, 3 maart"
    )
    # Another region's specialist may not.
    client.force_login(world["gina"])
    url = f"/admin/questions/{question.pk}/referrals/{referral.pk}/warm/"
    response = client.post(url, {"consent": consent.pk})
    assert response.status_code in (302, 404)  # a 404 is sent on to the language prefix
    assert "/workspace/" not in response.get("Location", "")
    assert not Handover.objects.exists()

    referral, token = referrals.refer_warm(referral, consent=consent, actor=world["sam"])
    made = Handover.objects.get()
    assert made.recipient_name == "Sociaal Huis Antwerpen"
    assert "onthaal@ocmw.example" in made.recipient_contact
    assert GeneratedDocument.objects.filter(handover=made, kind="case_file").exists()
    assert token not in referral.receipt_token_hash  # only the hash is kept

    client.logout()
    link = f"/nl/referral-received/{token}/"
    page = client.get(link).content.decode()
    assert question.reference in page and "Bevel" not in page  # no personal content
    client.post(link)
    referral.refresh_from_db()
    assert referral.received_at is not None and referral.received_how == "link"
    assert client.get(link).status_code == 404  # spent
    assert client.post(link).status_code == 404
    open_follow_up(client, world)
    page = client.get(f"/nl/follow-up/{question.reference}/").content.decode()
    received = "We sent them your file, with your consent, and they confirmed they received it."
    assert in_dutch_html(received) in page


def test_specialist_records_receipt_with_a_note(client, world, referred):  # noqa: F811
    question = world["question"]
    client.force_login(world["sam"])
    _close(client, question, referred)
    referral = Referral.objects.get()
    url = f"/admin/questions/{question.pk}/referrals/{referral.pk}/received/"
    client.post(url, {"note": ""})
    referral.refresh_from_db()
    assert referral.received_at is None
    client.post(url, {"note": "Bevestigd per telefoon"})
    referral.refresh_from_db()
    assert referral.received_how == "Bevestigd per telefoon"


@pytest.mark.parametrize("role", ["anonymous", "professional", "specialist", "superuser"])
def test_unknown_receipt_links_and_staff_referral_urls_are_refused(
    client_for_role,
    world,  # noqa: F811
    referred,
    role,
):
    client = client_for_role(role)
    assert client.get("/nl/referral-received/not-a-token/").status_code == 404
    question = world["question"]
    referral = referrals.refer(question, referred)
    response = client.post(
        f"/admin/questions/{question.pk}/referrals/{referral.pk}/received/", {"note": "x"}
    )
    # Only the question's own specialists (or a superuser) may act; others: sign-in or 404.
    location = response.get("Location", "")
    assert ("/workspace/" in location) == (role == "superuser"), location
    referral.refresh_from_db()
    assert (referral.received_at is not None) == (role == "superuser")


def test_anonymising_removes_the_receipt_note_and_keeps_the_service(world, referred):  # noqa: F811
    from tickets.privacy.anonymisation import anonymise

    question = world["question"]
    referral = referrals.refer(question, referred, actor=world["sam"])
    referrals.record_receipt(referral, actor=world["sam"], note="Mevrouw Janssens belde terug")
    anonymise(question, reason="test")
    referral.refresh_from_db()
    assert referral.received_how == "" and referral.service == referred
    assert referral.received_at is not None


def test_the_answer_letter_says_where_the_requester_was_referred(world, referred):  # noqa: F811
    from tests.test_documents import body_text, reopen
    from tickets.documents.builders import answer_letter, latest_answer

    question = world["question"]
    before = body_text(reopen(answer_letter(question, latest_answer(question), "en")))
    assert "Lange Gasthuisstraat" not in before
    referrals.refer(question, referred, actor=world["sam"])
    text = body_text(reopen(answer_letter(question, latest_answer(question), "en")))
    assert "Where we referred you" in text
    assert "Lange Gasthuisstraat 40, 2000 Antwerpen" in text
    assert "ma-vr 9:00-12:00" in text and "Українська" in text
