"""The admin chrome kept per user, language and chrome generation (backoffice.admin_chrome): the
sidebar, the keyboard-shortcuts dialog, the queue's header with its filters and the bulk form's
fields are each user's own, in their language, and follow every change to what they show.

"Fresh" is the same page made with the copies switched off (ADMIN_CHROME_CACHE_SECONDS=0), i.e.
Wagtail's own tags and templates: a kept part must be exactly what a fresh page shows."""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.users.models import UserProfile as WagtailProfile

from backoffice import admin_chrome, roles
from backoffice.models import LegalDomain, Municipality
from tests import factories
from tests.conftest import make_user
from tickets import lifecycle
from tickets.models import Priority, Question, Status

CONFIG = re.compile(r'<script id="wagtail-config" type="application/json">(.*?)</script>')
SIDEBAR = re.compile(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>')
DIALOG = re.compile(r'(<template[^>]*id="keyboard-shortcuts-dialog.*?</template>|'
                    r'<div[^>]*id="keyboard-shortcuts-dialog".*?</table>)', re.S)  # fmt: skip
HEADER = re.compile(
    r'(<div class="w-sticky w-top-0 w-z-header">.*?)<div class="nice-padding w-mt-4">', re.S
)
THEAD = re.compile(r"(<thead>.*?</thead>)", re.S)
BULK_FIELDS = re.compile(r'(<input type="hidden" name="next".*?)<button type="submit"', re.S)


@pytest.fixture
def world(db):
    regions = factories.regions("antwerpen", "gent")
    people = {
        "sam": make_user(roles.SPECIALIST, "sam", regions=[regions["antwerpen"]]),
        "piet": make_user(roles.SPECIALIST, "piet", regions=[regions["gent"]]),
        "coco": make_user(roles.COORDINATOR, "coco", regions=[regions["antwerpen"]]),
        "eddy": make_user(roles.EDITOR, "eddy"),
    }
    for name, user in people.items():
        user.first_name = name.capitalize() + "-first"
        user.save()
    return {"regions": regions, **people}


def page(client, user, url="/admin/", **headers):
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def fresh(client, settings, user, url="/admin/", **headers):
    """Note: the settings change makes every key new (admin_chrome's settings epoch): a test
    that checks a kept copy goes stale draws the page once more after calling this."""
    kept_seconds = settings.ADMIN_CHROME_CACHE_SECONDS
    settings.ADMIN_CHROME_CACHE_SECONDS = 0
    try:
        return page(client, user, url, **headers)
    finally:
        settings.ADMIN_CHROME_CACHE_SECONDS = kept_seconds


def part(pattern, html):
    found = pattern.search(html)
    assert found, pattern.pattern
    return found.group(1)


def sidebar(html) -> dict:
    return json.loads(part(SIDEBAR, html))


def sidebar_text(html) -> str:
    return part(SIDEBAR, html)


def prefer(user, language):
    profile = WagtailProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.mark.django_db
def test_the_sidebar_is_each_users_own_across_users_roles_and_languages(client, settings, world):
    dashboard = reverse("tickets_dashboard")
    order = ["sam", "coco", "eddy", "piet", "sam", "coco", "eddy"]
    seen = {}
    for name in order:
        html = page(client, world[name])
        seen.setdefault(name, sidebar_text(html))
        assert sidebar_text(html) == seen[name]
        assert f"{name.capitalize()}-first" in sidebar_text(html)
        for other in world:
            if other not in ("regions", name):
                assert f"{other.capitalize()}-first" not in sidebar_text(html)
    assert dashboard in seen["coco"] and dashboard not in seen["sam"]
    assert seen["sam"] != seen["eddy"]
    for name in ("sam", "coco", "eddy"):
        assert seen[name] == sidebar_text(fresh(client, settings, world[name]))
    # The same user in another admin language: another copy, in that language.
    prefer(world["sam"], "en")
    english = sidebar_text(page(client, world["sam"]))
    assert "Log out" in english and english != seen["sam"]
    assert english == sidebar_text(fresh(client, settings, world["sam"]))
    prefer(world["sam"], "fr")
    french = sidebar_text(page(client, world["sam"]))
    assert french not in (english, seen["sam"])
    assert french == sidebar_text(fresh(client, settings, world["sam"]))


@pytest.mark.django_db
def test_the_sidebar_follows_a_role_a_permission_or_a_name_taken_away(client, settings, world):
    dashboard, privacy = reverse("tickets_dashboard"), reverse("tickets_privacy")
    assert dashboard in sidebar_text(page(client, world["coco"]))
    assert privacy in sidebar_text(page(client, world["sam"]))
    # The coordinator's role taken away (another role kept, so the admin still opens).
    world["coco"].groups.add(Group.objects.get(name=roles.SPECIALIST))
    world["coco"].groups.remove(Group.objects.get(name=roles.COORDINATOR))
    after = sidebar_text(page(client, world["coco"]))
    assert dashboard not in after
    assert after == sidebar_text(fresh(client, settings, world["coco"]))
    # A permission taken from the specialists' group: its menu item goes for every specialist.
    for name in ("sam", "piet"):
        assert privacy in sidebar_text(page(client, world[name]))  # kept before the change
    Group.objects.get(name=roles.SPECIALIST).permissions.remove(
        Permission.objects.get(codename="decide_erasure", content_type__app_label="tickets")
    )
    for name in ("sam", "piet"):
        html = page(client, world[name])
        assert privacy not in sidebar_text(html)
        assert sidebar_text(html) == sidebar_text(fresh(client, settings, world[name]))
    # A renamed account: its new name at once.
    assert "Samira" not in sidebar_text(page(client, world["sam"]))  # kept before the change
    world["sam"].first_name = "Samira"
    world["sam"].save()
    assert "Samira" in sidebar_text(page(client, world["sam"]))


@pytest.mark.django_db
def test_the_keyboard_dialog_is_kept_per_language_and_keyboard(client, settings, world):
    mac = {"HTTP_USER_AGENT": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)"}
    other = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64)"}
    on_mac = part(DIALOG, page(client, world["sam"], **mac))
    elsewhere = part(DIALOG, page(client, world["coco"], **other))
    assert "⌘" in on_mac and "⌘" not in elsewhere
    assert on_mac == part(DIALOG, page(client, world["coco"], **mac))
    assert on_mac == part(DIALOG, fresh(client, settings, world["sam"], **mac))
    assert elsewhere == part(DIALOG, fresh(client, settings, world["sam"], **other))
    prefer(world["sam"], "en")
    english = part(DIALOG, page(client, world["sam"], **other))
    assert "Keyboard shortcuts" in english and english != elsewhere
    assert english == part(DIALOG, fresh(client, settings, world["sam"], **other))
    # Shortcuts turned off by one user: their dialog says so, the others' does not.
    assert part(DIALOG, page(client, world["piet"], **other)) == elsewhere  # kept before
    profile = WagtailProfile.get_for_user(world["piet"])
    profile.keyboard_shortcuts = False
    profile.save()
    off = part(DIALOG, page(client, world["piet"], **other))
    assert off != elsewhere
    assert off == part(DIALOG, fresh(client, settings, world["piet"], **other))
    assert elsewhere == part(DIALOG, page(client, world["coco"], **other))


@pytest.mark.django_db
def test_the_queue_header_and_bulk_form_are_the_users_scope(client, settings, world):
    antwerpen = world["regions"]["antwerpen"].municipalities.first()
    gent = world["regions"]["gent"].municipalities.first()
    headers = {}
    for name in ("sam", "piet", "coco", "sam", "piet"):
        html = page(client, world[name], "/admin/questions/")
        headers.setdefault(name, (part(HEADER, html), part(BULK_FIELDS, html)))
        assert (part(HEADER, html), part(BULK_FIELDS, html)) == headers[name]
    assert antwerpen.name in headers["sam"][0] and gent.name not in headers["sam"][0]
    assert gent.name in headers["piet"][0] and antwerpen.name not in headers["piet"][0]
    # Assignee choices: the specialists of one's own regions only.
    assert "Sam-first" in headers["sam"][1] and "Piet-first" not in headers["sam"][1]
    assert "Piet-first" in headers["piet"][1] and "Sam-first" not in headers["piet"][1]
    for name in ("sam", "piet", "coco"):
        html = fresh(client, settings, world[name], "/admin/questions/")
        assert (part(HEADER, html), part(BULK_FIELDS, html)) == headers[name]


@pytest.mark.django_db
def test_the_queue_header_follows_the_query_string_and_the_language(client, settings, world):
    factories.question(municipality=world["regions"]["antwerpen"].municipalities.first())
    plain = part(HEADER, page(client, world["sam"], "/admin/questions/"))
    url = f"/admin/questions/?status={Status.NEW}&priority={Priority.HIGH}"
    filtered = part(HEADER, page(client, world["sam"], url))
    assert filtered != plain and "checked" in filtered
    assert filtered == part(HEADER, fresh(client, settings, world["sam"], url))
    assert plain == part(HEADER, page(client, world["sam"], "/admin/questions/"))
    # The table's headings and sort links follow the chosen order.
    by_reference = page(client, world["sam"], "/admin/questions/?ordering=-reference")
    assert part(THEAD, by_reference) != part(THEAD, page(client, world["sam"], "/admin/questions/"))
    for url in ("/admin/questions/?ordering=-reference", "/admin/questions/"):
        assert part(THEAD, page(client, world["sam"], url)) == part(
            THEAD, fresh(client, settings, world["sam"], url)
        )
    assert plain == part(HEADER, page(client, world["sam"], "/admin/questions/"))  # kept
    prefer(world["sam"], "fr")
    french = part(HEADER, page(client, world["sam"], "/admin/questions/"))
    assert french != plain
    assert french == part(HEADER, fresh(client, settings, world["sam"], "/admin/questions/"))


@pytest.mark.django_db
def test_the_queue_header_follows_changes_to_places_domains_and_people(client, settings, world):
    region = world["regions"]["antwerpen"]
    before = part(HEADER, page(client, world["sam"], "/admin/questions/"))
    Municipality.objects.create(region=region, name="Zoersel", postcode="2980")
    domain = LegalDomain.objects.first()
    domain.name_nl = "Hernoemd domein"
    domain.save()
    after = part(HEADER, page(client, world["sam"], "/admin/questions/"))
    assert "Zoersel" not in before and "Zoersel" in after
    assert "Hernoemd domein" in after
    # A new specialist in the region is a choice of the assignee filter and the bulk form.
    make_user(roles.SPECIALIST, "nieuw", regions=[region]).save()
    html = page(client, world["sam"], "/admin/questions/")
    assert "nieuw" in part(HEADER, html) and "nieuw" in part(BULK_FIELDS, html)
    # Sam moves to Gent: Gent's places and specialists, no longer Antwerpen's.
    world["sam"].profile.regions.set([world["regions"]["gent"]])
    html = page(client, world["sam"], "/admin/questions/")
    assert "Zoersel" not in part(HEADER, html) and "nieuw" not in part(BULK_FIELDS, html)
    assert "Piet-first" in part(BULK_FIELDS, html)
    fresh_html = fresh(client, settings, world["sam"], "/admin/questions/")
    assert part(HEADER, html) == part(HEADER, fresh_html)
    assert part(BULK_FIELDS, html) == part(BULK_FIELDS, fresh_html)


EVERY_STATUS = "/admin/questions/?" + "&".join(f"status={status}" for status in Status.values)


def row_of(html, question) -> str:
    for row in html.split("<tr")[1:]:
        if f">{question.reference}</a>" in row:
            return row
    raise AssertionError(question.reference)


@pytest.mark.django_db
def test_queue_rows_show_each_questions_own_values_and_follow_a_status_change(client, world):
    municipality = world["regions"]["antwerpen"].municipalities.first()
    today = timezone.localdate()
    questions = [
        factories.question(subject=f"Vraag {n}", municipality=municipality, contact_language=code)
        for n, code in enumerate(["ar", "uk", "ar", "fr"])
    ]
    lifecycle.assign(questions[0], world["sam"], actor=world["coco"])
    questions[1].priority = Priority.HIGH
    questions[1].legal_deadline = today + timezone.timedelta(days=9)
    lifecycle.update_triage(questions[1], ["priority", "legal_deadline"], actor=world["sam"])
    factories.reply(questions[1], world["sam"])  # answered
    lifecycle.change_status(questions[3], Status.WAITING, actor_kind="staff", actor=world["sam"])
    html = page(client, world["sam"], EVERY_STATUS)
    shown = Question.objects.filter(pk__in=[q.pk for q in questions])
    assert {q.status for q in shown} == {Status.NEW, Status.ANSWERED, Status.WAITING}
    for question in shown:
        row = row_of(html, question)
        with translation.override("nl"):
            status = str(question.get_status_display())
            priority = str(question.get_priority_display())
            language = str(question.contact_language_name)
        assert f"<td>{status}</td>" in row, (question.reference, row)
        assert f"<td>{priority}</td>" in row, (question.reference, row)
        assert f"<td>{language}</td>" in row, (question.reference, row)
        if question.assignee_id:
            assert f"<td>{question.assignee_label}</td>" in row
        else:
            assert "Sam-first" not in row
        if question.legal_deadline:
            assert f"<td>{date_format(question.legal_deadline, 'SHORT_DATE_FORMAT')}</td>" in row
    # A status changed by a real flow shows in that row, and only that row, on the next page.
    before = row_of(html, questions[2])
    factories.reply(questions[2], world["sam"])
    after_html = page(client, world["sam"], EVERY_STATUS)
    after = row_of(after_html, questions[2])
    with translation.override("nl"):
        answered = str(Status.ANSWERED.label)
    assert after != before and f"<td>{answered}</td>" in after
    assert row_of(after_html, questions[3]) == row_of(html, questions[3])


@pytest.mark.django_db
def test_queue_rows_follow_renamed_places_domains_and_people_and_new_assignments(
    client, settings, world
):
    """What a row names besides the question (its legal domain, region, municipality and
    assignee) is kept between pages (tickets.queue_views.kept_rows): a rename, a new place or a
    new assignee shows on the next page, the same as a page made with the copies off."""
    region = world["regions"]["antwerpen"]
    municipality = region.municipalities.first()
    question = factories.question(subject="Vraag", municipality=municipality)
    other = factories.question(subject="Andere", municipality=municipality)
    lifecycle.assign(question, world["sam"], actor=world["coco"])
    before = row_of(page(client, world["sam"], "/admin/questions/"), question)
    assert "Sam-first" in before and municipality.name in before

    def rows():
        html = page(client, world["sam"], "/admin/questions/")
        fresh_html = fresh(client, settings, world["sam"], "/admin/questions/")
        for shown in (question, other):
            assert row_of(html, shown) == row_of(fresh_html, shown)
        return row_of(html, question), row_of(html, other)

    world["sam"].first_name = "Samira"
    world["sam"].save()
    region.name = "Antwerpen-Noord"
    region.save()
    municipality.name = "Berchem-Zuid"
    municipality.save()
    domain = question.legal_domain
    domain.name_nl = "Hernoemd domein"
    domain.save()
    row, _ = rows()
    for new in ("Samira", "Antwerpen-Noord", "Berchem-Zuid", "Hernoemd domein"):
        assert new in row, (new, row)
    assert "Sam-first" not in row
    # A new specialist, a new municipality: read when a row first names them.
    nieuw = make_user(roles.SPECIALIST, "nieuw", regions=[region])
    elsewhere = Municipality.objects.create(region=region, name="Zoersel", postcode="2980")
    Question.objects.filter(pk=other.pk).update(municipality=elsewhere)  # no signal: a new key
    lifecycle.assign(other, nieuw, actor=world["coco"])
    _, other_row = rows()
    assert "Zoersel" in other_row and "nieuw" in other_row
    # Unassigned again: the row names nobody.
    lifecycle.assign(other, None, actor=world["coco"])
    _, other_row = rows()
    assert "nieuw" not in other_row
    # The kept objects are the same in every language; each reader sees their language's names.
    domain.name_en = "Renamed domain"
    domain.save()
    dutch, _ = rows()
    prefer(world["sam"], "en")
    english, _ = rows()
    assert "Hernoemd domein" in dutch and "Renamed domain" in english


def config(client, user, url="/admin/", **headers) -> dict:
    return json.loads(part(CONFIG, page(client, user, url, **headers)))


@pytest.mark.django_db
def test_wagtails_configuration_is_kept_per_language_with_the_requests_own_parts(
    client, settings, world
):
    """Wagtail's configuration for its scripts: the same as Wagtail's own tag gives, in the
    reader's language, with this request's CSRF token and this user's shortcuts setting."""
    from wagtail.models import Locale

    def fresh_config(user, url="/admin/"):
        return json.loads(part(CONFIG, fresh(client, settings, user, url)))

    def same_apart_from_token(kept, made):
        assert kept.pop("CSRF_TOKEN") and made.pop("CSRF_TOKEN")
        assert kept == made

    from django.middleware.csrf import _unmask_cipher_token

    from tests.mfa import MfaClient

    sam = config(client, world["sam"], "/admin/questions/")
    # The token is this client's (the secret in its cookie), not one kept from another request.
    other_client = MfaClient()
    other = config(other_client, world["sam"], "/admin/questions/")
    for who, seen in ((client, sam), (other_client, other)):
        assert _unmask_cipher_token(seen["CSRF_TOKEN"]) == who.cookies["csrftoken"].value
    same_apart_from_token(sam, fresh_config(world["sam"], "/admin/questions/"))
    # Kept for another user in the same language, with their own parts.
    profile = WagtailProfile.get_for_user(world["piet"])
    profile.keyboard_shortcuts = False
    profile.save()
    piet = config(client, world["piet"])
    assert piet["KEYBOARD_SHORTCUTS_ENABLED"] is False and sam["KEYBOARD_SHORTCUTS_ENABLED"]
    same_apart_from_token(piet, fresh_config(world["piet"]))
    # In the reader's language.
    prefer(world["sam"], "en")
    english = config(client, world["sam"])
    assert english["STRINGS"] != sam["STRINGS"]
    same_apart_from_token(english, fresh_config(world["sam"]))
    # A locale added is in the next page's configuration.
    assert "de" not in [locale["code"] for locale in config(client, world["coco"])["LOCALES"]]
    Locale.objects.create(language_code="de")
    assert "de" in [locale["code"] for locale in config(client, world["coco"])["LOCALES"]]


@pytest.mark.django_db
def test_the_generation_moves_on_every_change_the_chrome_shows_and_not_on_sign_in(world):
    from wagtail.models import Locale

    region = world["regions"]["antwerpen"]
    sam = world["sam"]
    specialist = Group.objects.get(name=roles.SPECIALIST)
    permission = Permission.objects.get(
        codename="decide_erasure", content_type__app_label="tickets"
    )
    changes = {
        "group added": lambda: sam.groups.add(Group.objects.get(name=roles.EDITOR)),
        "group removed": lambda: sam.groups.remove(Group.objects.get(name=roles.EDITOR)),
        "group permission removed": lambda: specialist.permissions.remove(permission),
        "user permission added": lambda: sam.user_permissions.add(permission),
        "group renamed": lambda: Group.objects.filter(name=roles.EDITOR).first().save(),
        "account renamed": lambda: (setattr(sam, "last_name", "Peeters"), sam.save()),
        "account deactivated": lambda: (setattr(sam, "is_active", False), sam.save()),
        "profile regions": lambda: sam.profile.regions.set([world["regions"]["gent"]]),
        "profile domains": lambda: sam.profile.legal_domains.set(LegalDomain.objects.all()[:1]),
        "profile saved": lambda: sam.profile.save(),
        "admin preferences": lambda: prefer(sam, "en"),
        "municipality added": lambda: Municipality.objects.create(
            region=region, name="Ranst", postcode="2520"
        ),
        "region renamed": lambda: (setattr(region, "name", "Antwerpen-Noord"), region.save()),
        "legal domain saved": lambda: LegalDomain.objects.first().save(),
        "locale added": lambda: Locale.objects.create(language_code="de"),
        "locale removed": lambda: Locale.objects.filter(language_code="de").delete(),
    }
    for what, change in changes.items():
        before = admin_chrome.generation()
        change()
        assert admin_chrome.generation() != before, what
    # Signing in writes last_login only: nothing the chrome shows, the copies stay.
    before = admin_chrome.generation()
    sam.last_login = timezone.now()
    sam.save(update_fields=["last_login"])
    assert admin_chrome.generation() == before
    # A change rolled back takes its generation with it; the next change gets a new one.
    with pytest.raises(RuntimeError), transaction.atomic():
        sam.groups.add(Group.objects.get(name=roles.EDITOR))
        inside = admin_chrome.generation()
        raise RuntimeError
    assert admin_chrome.generation() == before
    sam.groups.add(Group.objects.get(name=roles.EDITOR))
    assert admin_chrome.generation() not in (before, inside)


@pytest.mark.parametrize("language", ["nl", "fr", "en", "ar", "uk"])
def test_queue_days_are_written_as_djangos_short_date(language):
    import datetime

    from django.utils.formats import get_format

    from tickets.queue_columns import _day_writer

    with translation.override(language):
        day_format = get_format("SHORT_DATE_FORMAT")
        write = _day_writer(day_format)
        assert write is not None, day_format
        for day in (
            datetime.date(2026, 1, 2),
            datetime.date(2031, 12, 31),
            datetime.date(909, 7, 5),
        ):
            assert write(day) == date_format(day, "SHORT_DATE_FORMAT")
        moment = datetime.datetime(2026, 3, 4, 23, 59)
        assert write(moment) == date_format(moment, "SHORT_DATE_FORMAT")
    assert _day_writer("N j, Y") is None  # a month's name: left to date_format


PAGINATION = re.compile(r'(<nav class="pagination".*?</nav>)', re.S)


@pytest.mark.django_db
def test_the_queue_pagination_follows_the_number_of_questions(client, settings, world):
    municipality = world["regions"]["antwerpen"].municipalities.first()
    questions = [factories.question(municipality=municipality) for _ in range(51)]
    two_pages = page(client, world["sam"], "/admin/questions/")
    assert part(PAGINATION, two_pages) == part(
        PAGINATION, fresh(client, settings, world["sam"], "/admin/questions/")
    )
    second = part(PAGINATION, page(client, world["sam"], "/admin/questions/?p=2"))
    assert second != part(PAGINATION, two_pages)
    assert part(PAGINATION, page(client, world["sam"], "/admin/questions/")) == part(
        PAGINATION, two_pages
    )  # kept before the change
    # One question closed: the count (and the pages) of now, as a fresh page says.
    lifecycle.close(questions[0], "answered", actor=world["sam"])
    assert Question.objects.get(pk=questions[0].pk).status == Status.CLOSED
    fewer = part(PAGINATION, page(client, world["sam"], "/admin/questions/"))
    assert fewer != part(PAGINATION, two_pages)
    assert fewer == part(PAGINATION, fresh(client, settings, world["sam"], "/admin/questions/"))
    # And a new one: two pages again, with the count of now.
    factories.question(municipality=municipality)
    again = part(PAGINATION, page(client, world["sam"], "/admin/questions/"))
    assert again == part(PAGINATION, fresh(client, settings, world["sam"], "/admin/questions/"))
