"""Policy signals: written by a specialist (from a question or not) or a professional, checked
for personal data, reviewed and grouped by the coordinators of the region; per municipality and
service. And the role home pages that show them."""

import pytest
from django.core.exceptions import ValidationError

from backoffice import roles
from backoffice.models import AuditEvent
from tests import factories
from tests.access import DENIED, outcome
from tests.conftest import make_user
from tests.i18n import in_dutch_html
from tickets import lifecycle, policy_signals
from tickets.models import PolicySignal, SignalCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db):
    berchem = factories.place("antwerpen", municipality="Berchem", postcode="2600")
    ghent = factories.place("gent")
    antwerpen, gent = berchem.region, ghent.region
    ocmw = factories.organisation(berchem, "OCMW Berchem", kind="ocmw")
    olga = make_user(roles.PROFESSIONAL, "olga", organisation=ocmw)
    question = factories.question(subject="Inschrijving geweigerd", municipality=berchem)
    return {
        "berchem": berchem,
        "ghent": ghent,
        "ocmw": ocmw,
        "olga": olga,
        "question": question,
        "sam": make_user(roles.SPECIALIST, "sam", regions=[antwerpen]),
        "coco": make_user(roles.COORDINATOR, "coco", regions=[antwerpen]),
        "gina": make_user(roles.COORDINATOR, "gina", regions=[gent]),
    }


def test_personal_data_needs_confirmation(place):
    text = "Mevrouw Janssens, Kerkstraat 12, 2600 Berchem, kreeg geen afspraak."
    with pytest.raises(policy_signals.PersonalDataWarning) as warning:
        policy_signals.create_signal(
            author=place["sam"], category=SignalCategory.WAITING_TIME, description=text,
            municipality=place["berchem"],
        )  # fmt: skip
    assert {finding.kind for finding in warning.value.findings} >= {"name", "address"}
    assert not PolicySignal.objects.exists()
    signal = policy_signals.create_signal(
        author=place["sam"], category=SignalCategory.WAITING_TIME, description=text,
        municipality=place["berchem"], confirmed=True,
    )  # fmt: skip
    assert signal.personal_data_warnings >= 2


def test_specialist_flags_a_question_from_the_workspace(client, place):
    question = place["question"]
    client.force_login(place["sam"])
    page = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert f"/admin/questions/{question.pk}/signal/" in page
    form = {
        "category": SignalCategory.REFUSAL_TO_REGISTER,
        "organisation": "",
        "service_name": "Dienst bevolking",
        "description": "De dienst bevolking weigert inschrijving zonder huurcontract.",
    }
    response = client.post(f"/admin/questions/{question.pk}/signal/", form)
    assert response.status_code == 302
    signal = PolicySignal.objects.get()
    assert signal.question == question and signal.municipality == place["berchem"]
    assert signal.source == "specialist" and signal.region == question.region
    assert AuditEvent.objects.filter(action="signal.create").exists()


def test_bad_input_keeps_what_was_typed(client, place):
    client.force_login(place["sam"])
    typed = "Meneer Peeters wacht al 3 maanden, bel 0470 12 34 56."
    response = client.post(
        "/admin/signals/new/",
        {"category": SignalCategory.WAITING_TIME, "municipality": place["berchem"].pk,
         "description": typed},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400 and "Peeters wacht al 3 maanden" in html
    assert not PolicySignal.objects.exists()
    nowhere = client.post(
        "/admin/signals/new/", {"category": "other", "description": "Lange wachttijden."}
    )
    assert nowhere.status_code == 400
    assert in_dutch_html("Choose the municipality or the service concerned.") in (
        nowhere.content.decode()
    )


def test_professional_writes_a_signal_on_the_pro_pages(client, place):
    client.force_login(place["olga"])
    assert client.get("/nl/pro/signal/").status_code == 200
    response = client.post(
        "/nl/pro/signal/",
        {"category": SignalCategory.MISSING_INTERPRETER, "organisation": place["ocmw"].pk,
         "description": "Geen tolk voor Tigrinya bij het intakegesprek."},
    )  # fmt: skip
    assert response.status_code == 302
    signal = PolicySignal.objects.get()
    assert signal.source == "professional" and signal.municipality == place["berchem"]
    assert signal.question is None


def test_coordinators_review_and_group_signals_of_their_region(client, place):
    signals = [
        policy_signals.create_signal(
            author=place["sam"],
            category=SignalCategory.REFUSAL_TO_REGISTER,
            description=f"Weigering {index}",
            municipality=place["berchem"],
        )  # fmt: skip
        for index in range(2)
    ]
    client.force_login(place["coco"])
    listing = client.get("/admin/signals/").content.decode()
    assert listing.count("/admin/signals/") >= 2 and "2600 Berchem" in listing
    response = client.post(f"/admin/signals/{signals[0].pk}/", {"group_title": "Berchem"})
    assert response.status_code == 302
    signals[0].refresh_from_db()
    group = signals[0].group
    client.post(f"/admin/signals/{signals[1].pk}/", {"group": group.pk})
    signals[1].refresh_from_db()
    assert signals[1].group == group and signals[1].status == "reviewed"
    assert policy_signals.per_municipality(policy_signals.visible_to(place["coco"]))[0]["n"] == 2
    # Another region's coordinator neither sees nor reviews them.
    client.force_login(place["gina"])
    assert outcome(client.get(f"/admin/signals/{signals[0].pk}/")) == DENIED
    with pytest.raises(ValidationError):
        policy_signals.review(signals[0], reviewer=place["gina"])
    other_listing = client.get("/admin/signals/").content.decode()
    assert not any(f"/admin/signals/{signal.pk}/" in other_listing for signal in signals)


def test_home_pages_per_role(client, place):
    policy_signals.create_signal(
        author=place["sam"], category=SignalCategory.DISCRIMINATION,
        description="Weigering aan het loket", municipality=place["berchem"],
    )  # fmt: skip
    lifecycle.add_message(
        place["question"], body="Ik heb het document gevonden.", author_kind="requester"
    )
    client.force_login(place["sam"])
    home = client.get("/admin/").content.decode()
    assert "ww-home-specialist" in home and "ww-home-coordinator" not in home
    assert f"/admin/questions/{place['question'].pk}/workspace/" in home  # recent reply
    client.force_login(place["coco"])
    home = client.get("/admin/").content.decode()
    assert "ww-home-coordinator" in home and "/admin/signals/" in home
    assert in_dutch_html("Questions received") in home
    editor = make_user(roles.EDITOR, "eddy")
    client.force_login(editor)
    home = client.get("/admin/").content.decode()
    assert "ww-home-editor" in home and "ww-home-specialist" not in home
    assert in_dutch_html("Due for legal review") in home
