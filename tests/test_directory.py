"""The directory of local services: the municipality list, import and export, who maintains
which entry, what the public finder shows, and the article's *where to go* block."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import Revision

from backoffice.models import Municipality
from directory import importing
from directory import services as directory
from directory.models import PostalCode, Service
from tests.conftest import make_user
from tests.directory_helpers import load_places, make_regions, service_row

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_places(django_db_setup, django_db_blocker):
    """The complete municipality list, loaded once for this module (seconds each time): in a
    transaction rolled back after the module's last test. Each test runs in a savepoint of it
    (pytest-django's `db`), so what a test adds is gone for the next. Loading into an empty
    table is tested in tests/test_directory_loading.py."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_places()
        transaction.set_rollback(True)


@pytest.fixture
def places(loaded_places):
    return loaded_places


def _import(rows, **kwargs):
    return importing.import_services(rows, **kwargs)


# --- Municipalities -----------------------------------------------------------------------------


def test_municipality_list_is_complete_for_flanders_and_brussels(places):
    assert Municipality.objects.filter(facts__area="flanders").count() == 285
    assert Municipality.objects.filter(facts__area="brussels").count() == 19
    assert places.skipped == []
    # Merged on 1 January 2025: the old municipality's postcode leads to the new one.
    assert directory.find_municipality("2150").name == "Antwerpen"  # Borsbeek
    assert directory.find_municipality("3840").name == "Tongeren-Borgloon"
    assert directory.find_municipality("1755").name == "Pajottegem"  # Gooik
    assert directory.find_municipality("1030").name == "Schaarbeek"
    assert directory.find_municipality("Schaerbeek").name == "Schaarbeek"
    assert directory.find_municipality("Kortessem") is None  # merged into Hasselt
    assert directory.find_municipality("9999") is None
    assert not PostalCode.objects.exclude(code__regex=r"^[1-9][0-9]{3}$").exists()


# --- Import -------------------------------------------------------------------------------------


def test_dry_run_reports_errors_per_row_and_writes_nothing(places):
    rows = [
        service_row("good"),
        service_row("bad-kind", kind="bakery", languages="nl xx"),
        service_row("bad-place", municipalities="Atlantis;9000", review_date=""),
        service_row("good", name="Duplicate key"),
    ]
    result = _import(rows, dry_run=True)
    errors = {row.line: row.errors for row in result.errors}
    assert sorted(errors) == [3, 4, 5]
    assert any("bakery" in e for e in errors[3]) and any("xx" in e for e in errors[3])
    assert any("Atlantis" in e for e in errors[4])
    assert any(gettext("review date") in e for e in errors[4])
    assert any(
        gettext("The key “%(key)s” appears twice in the file.") % {"key": "good"} == e
        for e in errors[5]
    )
    assert result.rows[0].action == "create" and not result.rows[0].errors
    # A real run with an error anywhere writes nothing either.
    result = _import(rows, dry_run=False)
    assert not result.written
    assert not Service.objects.exists()


def test_import_is_idempotent_by_key_and_keeps_revisions(places):
    rows = [service_row("ocmw-gent"), service_row("caw-gent", kind="caw", name="CAW Gent")]
    first = _import(rows, dry_run=False)
    assert first.written and first.count("create") == 2
    service = Service.objects.get(key="ocmw-gent")
    assert service.live and service.latest_revision is not None
    revisions = Revision.objects.count()

    second = _import(rows, dry_run=False)
    assert second.count("unchanged") == 2 and second.count("update") == 0
    assert Service.objects.count() == 2 and Revision.objects.count() == revisions

    rows[0]["walk_in_times"] = "woensdag 13:00-16:00"
    rows[0]["municipalities"] = "Gent;9810"  # a postcode of Nazareth-De Pinte
    third = _import(rows, dry_run=False)
    assert third.count("update") == 1 and third.count("unchanged") == 1
    service.refresh_from_db()
    assert service.walk_in_times == "woensdag 13:00-16:00"
    assert set(service.municipalities.values_list("name", flat=True)) == {
        "Gent",
        "Nazareth-De Pinte",
    }
    assert Revision.objects.count() == revisions + 1


def test_export_round_trips_through_csv_and_xlsx(places):
    _import([service_row("ocmw-gent"), service_row("vol-gent", kind="volunteer")], dry_run=False)
    for content, name in (
        (importing.export_csv(), "directory.csv"),
        (importing.export_xlsx(), "directory.xlsx"),
    ):
        rows = importing.read_table(content, name)
        assert [row["key"] for row in rows] == ["ocmw-gent", "vol-gent"]
        result = _import(rows, dry_run=False)
        assert result.count("unchanged") == 2, [r.errors for r in result.rows]


def test_semicolon_csv_and_missing_columns(places):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(service_row()), delimiter=";")
    writer.writeheader()
    writer.writerow(service_row())
    rows = importing.read_table(buffer.getvalue().encode("utf-8"), "x.csv")
    assert _import(rows).count("create") == 1
    with pytest.raises(importing.ImportError_, match="review_date"):
        importing.read_table(b"key,name\nx,y\n", "x.csv")
    with pytest.raises(importing.ImportError_):
        importing.read_table(b"\x00\x01", "x.pdf")


def test_coordinator_imports_only_their_regions_entries(places):
    regions = make_regions()
    coordinator = make_user("coordinator", regions=[regions["gent"]])
    result = _import(
        [service_row("ocmw-gent"), service_row("ocmw-antwerpen", region="antwerpen")],
        user=coordinator,
    )
    assert [row.line for row in result.errors] == [3]
    assert _import([service_row("ocmw-gent")], user=coordinator, dry_run=False).written
    specialist = make_user("specialist", regions=[regions["gent"]])
    assert _import([service_row("ocmw-gent")], user=specialist).errors


def test_commands_import_and_export(places, tmp_path):
    source = tmp_path / "in.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(service_row()))
        writer.writeheader()
        writer.writerow(service_row())
    call_command("import_directory", str(source), stdout=io.StringIO())  # dry run
    assert not Service.objects.exists()
    call_command("import_directory", str(source), "--write", stdout=io.StringIO())
    assert Service.objects.filter(key="ocmw-gent", live=True).exists()
    target = tmp_path / "out.xlsx"
    call_command("export_directory", str(target), stdout=io.StringIO())
    assert importing.read_table(target.read_bytes(), "out.xlsx")[0]["key"] == "ocmw-gent"


# --- What the public sees -----------------------------------------------------------------------


def test_unpublished_and_outdated_entries_are_not_public(places):
    today = timezone.localdate()
    _import(
        [
            service_row("current"),
            service_row("outdated", review_date=(today - timedelta(days=1)).isoformat()),
            service_row("unpublished"),
        ],
        dry_run=False,
    )
    unpublished = Service.objects.get(key="unpublished")
    unpublished.unpublish()
    # A published entry with a newer draft: the public keeps seeing the published text.
    current = Service.objects.get(key="current")
    current.walk_in_times = "DRAFT ONLY"
    current.save_revision()
    gent = Municipality.objects.get(name="Gent")
    shown = directory.services_near(gent)
    assert [s.key for s in shown] == ["current"]
    assert shown[0].walk_in_times == "ma, di 9:00-12:00"
    assert not directory.is_public(Service.objects.get(key="outdated"))
    # The day the review date passes, the entry disappears.
    assert directory.services_near(gent, today=today + timedelta(days=201)) == []


@pytest.fixture
def gent_services(places):
    _import(
        [
            service_row("ocmw-gent"),
            service_row(
                "formulierenhulp",
                kind="volunteer",
                name="Formulierenhulp Gent",
                legal_domains="",
                languages="nl uk ru",
                walk_in_times="wo, za 10:00-13:00",
            ),
            service_row(
                "agii-gent",
                kind="integration",
                name="Integratie Gent",
                legal_domains="civic-integration;residence",
                walk_in_times="",
            ),
            service_row("ocmw-schaarbeek", name="OCMW Schaarbeek", region="brussel",
                        municipalities="1030", town="Schaarbeek", postcode="1030"),
        ],
        dry_run=False,
    )  # fmt: skip


@pytest.mark.parametrize("language", ["nl", "uk"])
def test_finder_by_municipality_and_topic(client, gent_services, language):
    gent = Municipality.objects.get(name="Gent")
    response = client.get(
        f"/{language}/find-help/", {"municipality": gent.pk, "topic": "residence"}
    )
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'lang="{language}"' in html
    # Residence: the integration office and the volunteers (no topic: every topic).
    assert "Integratie Gent" in html and "Formulierenhulp Gent" in html
    assert "Sociaal Huis Gent" not in html and "OCMW Schaarbeek" not in html
    # Walk-in services first; languages by their own names; a map link.
    assert html.index("Formulierenhulp Gent") < html.index("Integratie Gent")
    assert "українська" in html.lower()
    assert "openstreetmap.org/search?query=" in html
    with translation.override(language):
        assert gettext("Find help near you") in html
        assert gettext("No: by appointment only.") in html


def test_finder_by_postcode_keeps_the_municipality_in_the_session(client, gent_services):
    response = client.get("/nl/find-help/", {"place": "1030", "topic": "social-law"})
    assert "OCMW Schaarbeek" in response.content.decode()
    assert "Sociaal Huis Gent" not in response.content.decode()
    # Chosen once: the next visit shows the same municipality's services without asking.
    again = client.get("/fr/find-help/")
    assert "OCMW Schaarbeek" in again.content.decode()
    client.post("/nl/find-help/forget/")
    assert "OCMW Schaarbeek" not in client.get("/nl/find-help/").content.decode()


def test_finder_bad_input_keeps_what_was_typed(client, gent_services):
    response = client.get("/uk/find-help/", {"place": "99999x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="99999x"' in html
    assert "99999x" in html and 'role="alert"' in html
    assert "service-card" not in html
    empty = client.get("/nl/find-help/", {"place": "", "municipality": ""})
    with translation.override("nl"):
        assert gettext("Choose your municipality or type your postcode.") in empty.content.decode()


def test_finder_is_fast(client, gent_services):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gent = Municipality.objects.get(name="Gent")
    with CaptureQueriesContext(connection) as captured:
        client.get("/nl/find-help/", {"municipality": gent.pk})
    # Savepoints are the test's own transaction showing through (in production the session's
    # transaction is a BEGIN/COMMIT pair on PostgreSQL): the page's real statements are counted.
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert len(statements) <= 12, "\n".join(statements)


# --- The article's *where to go* block ----------------------------------------------------------


def test_where_to_go_block_shows_services_of_the_readers_municipality(client, gent_services):
    from pathlib import Path

    from knowledge.importing import import_directory

    report = import_directory(Path(__file__).parent / "data" / "articles")
    assert report.ok, report.errors
    url = "/nl/kennisbank/residence/test-gezinshereniging/"
    general = client.get(url).content.decode()
    assert "Dienst Vreemdelingenzaken" in general  # the editor's general text
    assert "Integratie Gent" not in general
    assert "/nl/find-help/" in general
    client.get("/nl/find-help/", {"municipality": Municipality.objects.get(name="Gent").pk})
    personal = client.get(url).content.decode()
    assert "Dienst Vreemdelingenzaken" in personal
    assert "Integratie Gent" in personal and "Formulierenhulp Gent" in personal
    assert "Sociaal Huis Gent" not in personal  # social law and housing, not residence


# --- The admin ----------------------------------------------------------------------------------


def test_coordinators_edit_only_their_regions_entries(client, gent_services):
    regions = make_regions()
    coordinator = make_user("coordinator", regions=[regions["gent"]])
    client.force_login(coordinator)
    gent = Service.objects.get(key="ocmw-gent")
    brussels = Service.objects.get(key="ocmw-schaarbeek")
    base = "/admin/snippets/directory/service"
    assert client.get(f"{base}/edit/{gent.pk}/").status_code == 200
    assert client.get(f"{base}/edit/{brussels.pk}/").status_code in (302, 403)
    response = client.post(f"{base}/edit/{brussels.pk}/", {"name": "Hijacked"})
    assert response.status_code in (302, 403)
    brussels.refresh_from_db()
    assert brussels.name == "OCMW Schaarbeek"
    form = client.get(f"{base}/add/").content.decode()
    region_select = form[form.index('name="region"') :]
    region_select = region_select[: region_select.index("</select>")]
    assert f'value="{regions["gent"].pk}"' in region_select
    assert f'value="{regions["brussel"].pk}"' not in region_select
    listing = client.get(f"{base}/").content.decode()
    assert "OCMW Schaarbeek" in listing  # public information: every staff member reads it
    assert client.get("/admin/directory/import/").status_code == 200
    export = client.get("/admin/directory/export/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def _csv_upload(*rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(service_row()))
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = "services.csv"
    return upload


def test_admin_import_view_dry_run_then_write(client, places):
    regions = make_regions()
    client.force_login(make_user("coordinator", regions=[regions["gent"]]))
    upload = _csv_upload(service_row(), service_row("bad", municipalities="Nergenshuizen"))
    response = client.post("/admin/directory/import/", {"file": upload, "dry_run": "on"})
    html = response.content.decode()
    assert "Nergenshuizen" in html and not Service.objects.exists()
    response = client.post("/admin/directory/import/", {"file": _csv_upload(service_row())})
    assert response.status_code == 200
    assert Service.objects.filter(key="ocmw-gent", live=True).exists(), response.content.decode()
