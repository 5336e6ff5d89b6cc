"""The support network of a question: who already helps the family, with consent per contact;
in the workspace and on the professional's consult page, in the case file, removed on
anonymisation."""

import pytest
from django.utils.html import escape

from backoffice import roles
from backoffice.models import Municipality
from tests import factories
from tests.conftest import make_user
from tests.i18n import in_dutch
from tests.test_documents import body_text, reopen, world  # noqa: F401  (fixture)
from tests.test_referrals import referred  # noqa: F401  (fixture)
from tickets.documents.builders import case_file
from tickets.models import SupportContact

pytestmark = pytest.mark.django_db


def _pro_question(world):  # noqa: F811
    pro = make_user(roles.PROFESSIONAL, "olga")
    city = Municipality.objects.get(name="Antwerpen")
    pro.profile.organisation = factories.organisation(city)
    pro.profile.save()
    return pro, world["ask"](professional=pro).question


def test_specialist_records_the_network_with_consent_per_contact(
    client,
    world,  # noqa: F811
    referred,  # noqa: F811
):
    question = world["question"]
    client.force_login(world["sam"])
    url = f"/admin/questions/{question.pk}/network/"
    # Neither a directory service nor an organisation: refused, nothing stored.
    client.post(url, {"role": "buddy"})
    assert not SupportContact.objects.exists()
    client.post(url, {"service": referred.pk, "role": "maatschappelijk werker", "since": "2024"})
    client.post(
        url,
        {"organisation": "Voetbalclub De Toekomst", "role": "trainer", "consent_to_contact": "on"},
    )
    first, second = SupportContact.objects.order_by("pk")
    assert first.service == referred and not first.consent_to_contact and first.consent_at is None
    assert second.consent_to_contact and second.consent_at is not None
    page = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert "Sociaal Huis Antwerpen (maatschappelijk werker)" in page
    assert "Voetbalclub De Toekomst (trainer)" in page
    text = body_text(reopen(case_file(question, language="en")))
    assert "Support network" in text and "Voetbalclub De Toekomst (trainer)" in text
    assert "no consent to contact" in text and "may be contacted" in text
    # Another region's specialist can neither add nor remove.
    client.force_login(world["gina"])
    client.post(url, {"organisation": "X"})
    client.post(f"/admin/questions/{question.pk}/network/{first.pk}/remove/")
    assert SupportContact.objects.count() == 2
    client.force_login(world["sam"])
    client.post(f"/admin/questions/{question.pk}/network/{first.pk}/remove/")
    assert list(SupportContact.objects.all()) == [second]


def test_professional_records_their_clients_network_on_the_consult_page(
    client,
    world,  # noqa: F811
):
    pro, question = _pro_question(world)
    client.force_login(pro)
    client.post(
        f"/en/pro/{question.reference}/network/",
        {"organisation": "School De Brug", "role": "brugfiguur", "consent_to_contact": "on"},
    )
    page = client.get(f"/en/pro/{question.reference}/").content.decode()
    assert "School De Brug (brugfiguur)" in page and "may be contacted" in page
    # Someone else's consult: not found, nothing stored.
    other = make_user(roles.PROFESSIONAL, "someone-else")
    client.force_login(other)
    response = client.post(f"/en/pro/{question.reference}/network/", {"organisation": "X"})
    assert response.status_code == 404
    assert SupportContact.objects.count() == 1


def test_retention_removes_the_network_and_keeps_other_questions_contacts(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.models import Question, Status
    from tickets.privacy import retention

    old = world["question"]
    kept = world["ask"]().question
    SupportContact.objects.create(question=old, organisation="CAW", role="Mevrouw Peeters")
    SupportContact.objects.create(question=kept, organisation="OCMW", role="Meneer Claes")
    Question.objects.filter(pk=old.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=800)
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary = retention.apply_retention()
    assert summary.questions == 1
    assert not SupportContact.objects.filter(question=old).exists()
    assert SupportContact.objects.filter(question=kept).count() == 1


def test_workspace_shows_what_a_move_needs_and_the_region_to_transfer_to(
    client,
    world,  # noqa: F811
    referred,  # noqa: F811
):
    from directory import importing
    from tests.directory_helpers import service_row

    importing.import_services(
        [
            service_row("ocmw-gent", region="gent"),
            service_row("vrijwilligers-gent", kind="volunteer", name="Vrijwilligers Gent"),
        ],
        dry_run=False,
    )
    question = world["question"]  # Antwerpen
    client.force_login(world["sam"])
    url = f"/admin/questions/{question.pk}/workspace/"

    def panel(place):
        page = client.get(url, {"moving_to": place}).content.decode()
        start = page.index('id="moving"')
        return page[start : page.index("</details>", start)]

    page = panel("9000")
    assert "Sociaal Huis Gent" in page  # an OCMW needs a file
    assert "Vrijwilligers Gent" not in page  # a volunteer initiative does not
    other_region = in_dutch(
        "This municipality belongs to region %(region)s: with the requester's consent, transfer "
        "the question there under Documents and handover."
    )
    assert escape(other_region % {"region": "Gent"}) in page
    page = panel("2000")
    assert "Sociaal Huis Antwerpen" in page and "belongs to region" not in page
    page = panel("Atlantis")
    unknown = in_dutch("“%(place)s” is not a municipality or postcode of Flanders or Brussels.")
    assert escape(unknown % {"place": "Atlantis"}) in page and 'value="Atlantis"' in page
