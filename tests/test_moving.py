"""The family is moving (issue 19, item 5): the requester on the follow-up page or the
professional on the consult page says so; the workspace starts from that municipality (the
services that will need a file, the region to transfer to with consent); anonymisation removes
it. And a warm referral mails the service its one-time receipt link (no personal content)."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from backoffice import roles
from directory import importing
from tests.conftest import make_user
from tests.directory_helpers import service_row
from tests.i18n import in_dutch
from tests.test_documents import open_follow_up, world  # noqa: F401  (fixture)
from tests.test_referrals import referred  # noqa: F401  (fixture)
from tickets import referrals
from tickets.documents import handover
from tickets.models import Message, Question, Status
from tickets.privacy import anonymisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def gent_services(world, referred):  # noqa: F811
    importing.import_services(
        [
            service_row("ocmw-gent", region="gent"),
            service_row("vrijwilligers-gent", kind="volunteer", name="Vrijwilligers Gent"),
        ],
        dry_run=False,
    )


def _moving_message(question):
    return question.messages.filter(kind=Message.Kind.PUBLIC).order_by("-pk").first()


@pytest.mark.parametrize("language", ["nl", "uk"])
def test_the_requester_says_they_are_moving(client, world, gent_services, language):  # noqa: F811
    question = world["question"]  # Antwerpen, answered
    open_follow_up(client, world)
    page = client.get(f"/{language}/follow-up/{question.reference}/").content.decode()
    assert f'action="/{language}/follow-up/{question.reference}/moving/"' in page
    assert '<option value="Gent">' in page  # the complete list, no JavaScript needed
    response = client.post(
        f"/{language}/follow-up/{question.reference}/moving/",
        {"municipality": "9000", "moving_on": "2026-12-15"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/follow-up/{question.reference}/")
    question.refresh_from_db()
    assert question.moving_to.name == "Gent"
    assert str(question.moving_on) == "2026-12-15" and question.moving_said_at
    message = _moving_message(question)
    assert message.author_kind == "requester" and "Gent" in message.body
    with translation.override(language):
        expected = translation.gettext("We are moving to %(place)s on %(date)s.")
    assert message.body.startswith(expected.split("%(")[0])
    assert question.status == Status.OPEN  # the team sees it again
    page = client.get(f"/{language}/follow-up/{question.reference}/").content.decode()
    assert "Gent" in page


def test_the_professional_says_the_family_is_moving(client, world, gent_services):  # noqa: F811
    pro = make_user(roles.PROFESSIONAL, "olga")
    question = world["ask"](professional=pro).question
    client.force_login(pro)
    page = client.get(f"/nl/pro/{question.reference}/").content.decode()
    assert f'action="/nl/pro/{question.reference}/moving/"' in page
    response = client.post(f"/nl/pro/{question.reference}/moving/", {"municipality": "Gent"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/pro/{question.reference}/")
    question.refresh_from_db()
    assert question.moving_to.name == "Gent" and question.moving_on is None
    message = _moving_message(question)
    assert message.author_kind == "professional" and message.author == pro


def test_a_stranger_cannot_say_the_family_is_moving(client, world, gent_services):  # noqa: F811
    question = world["question"]
    other_pro = make_user(roles.PROFESSIONAL, "someone-else")
    pro_question = world["ask"](professional=make_user(roles.PROFESSIONAL, "olga")).question
    for who, url in [
        (None, f"/nl/follow-up/{question.reference}/moving/"),  # not opened with the code
        (world["sam"], f"/nl/follow-up/{question.reference}/moving/"),  # staff: the workspace
        (other_pro, f"/nl/pro/{pro_question.reference}/moving/"),
        (None, f"/nl/pro/{pro_question.reference}/moving/"),
    ]:
        stranger = Client()
        if who is not None:
            stranger.force_login(who)
        for response in (stranger.post(url, {"municipality": "9000"}), stranger.get(url)):
            # 404; staff without a second factor are first sent to set it up.
            assert response.status_code == 404 or "/mfa/" in response["Location"]
    assert not Question.objects.filter(moving_to__isnull=False).exists()


def test_bad_input_is_refused_with_a_message_and_keeps_what_was_typed(client, world):  # noqa: F811
    question = world["question"]
    open_follow_up(client, world)
    url = f"/en/follow-up/{question.reference}/moving/"
    response = client.post(url, {"municipality": "Atlantis", "moving_on": "next week"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "“Atlantis” is not a municipality or postcode of Flanders or Brussels." in html
    assert "Enter the date as day, month and year." in html
    assert 'value="Atlantis"' in html and 'value="next week"' in html
    response = client.post(url, {"municipality": "", "moving_on": "2026-12-15"})
    assert response.status_code == 400
    assert "Enter the new municipality or its postcode." in response.content.decode()
    assert 'value="2026-12-15"' in response.content.decode()
    question.refresh_from_db()
    assert question.moving_to is None


def test_the_workspace_starts_from_the_recorded_move(client, world, gent_services):  # noqa: F811
    question = world["question"]  # region Antwerpen
    url = f"/admin/questions/{question.pk}/workspace/"
    client.force_login(world["sam"])

    def panel():
        page = client.get(url).content.decode()
        start = page.index('id="moving"')
        return page[start : page.index("</details>", start)]

    assert "Sociaal Huis Gent" not in panel()  # nothing said yet
    family = Client()
    open_follow_up(family, world)
    family.post(f"/en/follow-up/{question.reference}/moving/", {"municipality": "Gent"})
    page = panel()
    assert "open" in page.split(">", 1)[0]
    assert "Sociaal Huis Gent" in page  # an OCMW will need a file
    assert "Vrijwilligers Gent" not in page
    other_region = in_dutch(  # the transfer, with consent
        "This municipality belongs to region %(region)s: with the requester's consent, transfer "
        "the question there under Documents and handover."
    )
    assert escape(other_region % {"region": "Gent"}) in page


def test_the_workspace_links_the_moving_checklist_article(client, world, gent_services):  # noqa: F811
    from knowledge.models import LifeSituation
    from tests.test_article_links import article as make_article

    article = make_article("Verhuizen: wat moet ik regelen?", "verhuizen")
    situation, _ = LifeSituation.objects.get_or_create(key="moving")
    article.situations.add(situation)
    article.save_revision().publish()
    question = world["question"]
    question.moving_to = question.municipality.__class__.objects.get(name="Gent")
    question.save()
    client.force_login(world["sam"])
    page = client.get(f"/admin/questions/{question.pk}/workspace/").content.decode()
    assert "Verhuizen: wat moet ik regelen?" in page


def test_anonymisation_removes_the_move(client, world, gent_services):  # noqa: F811
    question = world["question"]
    open_follow_up(client, world)
    client.post(
        f"/nl/follow-up/{question.reference}/moving/",
        {"municipality": "9000", "moving_on": "2026-12-15"},
    )
    anonymisation.anonymise(question, reason="test")
    question.refresh_from_db()
    assert question.moving_to is None and question.moving_on is None
    assert question.moving_said_at is None
    assert "Gent" not in "".join(question.messages.values_list("body", flat=True))


def test_the_receipt_link_is_mailed_once_without_personal_content(
    client,
    world,  # noqa: F811
    referred,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from backoffice import outbox
    from backoffice.models import OutboxTask

    question = world["question"]
    referral = referrals.refer(question, referred, actor=world["sam"])
    consent = handover.record_consent(
        question, given_by="requester", recorded_by=world["sam"], note="Telefonisch"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral, token = referrals.refer_warm(referral, consent=consent, actor=world["sam"])
    mails = [m for m in mailoutbox if m.to == ["onthaal@ocmw.example"]]
    assert len(mails) == 1
    mail = mails[0]
    assert question.reference in mail.subject and question.reference in mail.body
    assert f"https://wegwijs.example/nl/referral-received/{token}/" in mail.body
    for personal in ("Bevel", "bijlage", "person@example.org", "Samira"):
        assert personal not in mail.subject + mail.body
    row = OutboxTask.objects.get(handler="tickets.referrals.send_receipt_link")
    assert token not in str(row.args)  # the queue never holds a working link
    # A replay sends nothing more.
    OutboxTask.objects.filter(pk=row.pk).update(done_at=None)
    outbox.run(row.pk)
    assert len([m for m in mailoutbox if m.to == ["onthaal@ocmw.example"]]) == 1
    # The link in the mail works, once.
    link = re.search(r"/nl/referral-received/[^/\s]+/", mail.body).group(0)
    Client().post(link)
    referral.refresh_from_db()
    assert referral.received_at is not None


def test_no_mail_when_the_service_has_no_address(world, referred, mailoutbox):  # noqa: F811
    from backoffice.models import OutboxTask

    referred.email = ""
    referred.save()
    referral = referrals.refer(world["question"], referred, actor=world["sam"])
    consent = handover.record_consent(
        world["question"], given_by="requester", recorded_by=world["sam"], note="Telefonisch"
    )
    referrals.refer_warm(referral, consent=consent, actor=world["sam"])
    assert not OutboxTask.objects.filter(handler="tickets.referrals.send_receipt_link").exists()
