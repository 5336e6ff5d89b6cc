"""Journey: a coordinator watches the region (issue 13).

Signed in (two steps), the admin home shows the last 30 days and the new policy signals; the
coordinator opens the dashboard from the menu, filters it by municipality, then opens the
policy signals, reads one and marks it reviewed. Every page is checked with axe; screenshots:
tests/screenshots/journey-coordinator-*.png.
"""

import pytest
from django.contrib.auth import get_user_model

from backoffice import roles
from tests.browser.staff_journey import visited
from tests.browser.test_admin import sign_in_to_admin
from tests.conftest import make_user
from tests.i18n import in_dutch as nl

pytestmark = pytest.mark.browser

SIGNAL = "Het loket in Koersel weigert inschrijving zonder huurcontract (traject)."


@pytest.fixture
def scene(site_server, django_db_blocker):
    from backoffice.models import LegalDomain, Municipality, Region
    from tickets import lifecycle, policy_signals
    from tickets.models import SignalCategory

    with django_db_blocker.unblock():
        region, _ = Region.objects.get_or_create(slug="koers", defaults={"name": "Koers"})
        places = [
            Municipality.objects.get_or_create(
                name=name, postcode=postcode, defaults={"region": region}
            )[0]
            for name, postcode in (("Koersel", "3582"), ("Beringen-Koers", "3580"))
        ]
        User = get_user_model()
        coordinator = User.objects.filter(username="journey-coordinator").first()
        if coordinator is None:
            coordinator = make_user(roles.COORDINATOR, "journey-coordinator", regions=[region])
            specialist = make_user(roles.SPECIALIST, "journey-koers-specialist", regions=[region])
            domains = list(LegalDomain.objects.order_by("pk")[:3])
            for index in range(9):
                created = lifecycle.create_question(
                    legal_domain=domains[index % 3],
                    subject=f"Vraag over inschrijving {index}",
                    body="Vraag",
                    contact_language=["nl", "ar", "uk"][index % 3],
                    processing_consent=True,
                    municipality=places[index % 2],
                )
                if index % 3 == 0:
                    lifecycle.add_message(
                        created.question, body="Antwoord", author_kind="staff", author=specialist
                    )
            policy_signals.create_signal(
                author=specialist,
                category=SignalCategory.REFUSAL_TO_REGISTER,
                description=SIGNAL,
                municipality=places[0],
            )
    return {"coordinator": coordinator, "places": places}


def test_coordinator_reads_the_dashboard_and_the_signals(page, scene):
    page.set_viewport_size({"width": 1366, "height": 900})

    # 1. The admin home: the region's figures and the new signals.
    sign_in_to_admin(page, scene["coordinator"])
    figures = page.get_by_role("region", name=nl("Last 30 days"))
    assert figures.get_by_role("link", name=nl("Questions received")).is_visible()
    assert figures.get_by_role("link", name=nl("Refusal to register"), exact=False).count() >= 1
    visited(page, "coordinator-1-home")

    # 2. The dashboard, from the menu; filtered to one municipality.
    # The sidebar (Wagtail's main menu; its own name comes from Wagtail's JavaScript catalogue).
    menu = page.get_by_role("navigation").filter(has=page.locator(".sidebar-menu-item__link"))
    menu.get_by_role("link", name=nl("Dashboard"), exact=True).click()
    page.wait_for_url("**/admin/dashboard/**")
    assert page.locator("svg.ww-chart").count() >= 1
    visited(page, "coordinator-2-dashboard")
    koersel = scene["places"][0]
    page.get_by_label(nl("Municipality")).select_option(label=str(koersel))
    with page.expect_navigation():
        page.get_by_role("button", name=nl("Show figures")).click()
    assert f"municipality={koersel.pk}" in page.url
    visited(page, "coordinator-3-dashboard-filtered")

    # 3. The policy signals, from the menu; one read and marked reviewed.
    menu.get_by_role("link", name=nl("Policy signals"), exact=True).click()
    page.wait_for_url("**/admin/signals/**")
    visited(page, "coordinator-4-signals")
    row = page.locator("tr", has_text=koersel.name).first
    row.get_by_role("link", name=nl("Refusal to register")).click()
    page.wait_for_url("**/admin/signals/*/")
    assert page.get_by_text(SIGNAL).is_visible()
    visited(page, "coordinator-5-signal")
    page.get_by_role("button", name=nl("Mark as reviewed")).click()
    page.wait_for_load_state("load")
    visited(page, "coordinator-6-reviewed")
