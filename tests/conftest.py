import os
import subprocess
import sys

import pytest
from django.conf import settings

from backoffice import roles
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to run
# inside it. The tests touch the database only outside browser calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Read before any test database exists: pytest-django renames the connection's database.
MAIN_DATABASE_NAME = settings.DATABASES["default"]["NAME"]

ROLES = ["anonymous", "professional", "specialist", "editor", "coordinator", "superuser"]
PASSWORD = factories.PASSWORD


# A user who holds exactly one role (tests.factories.staff); the older name stays for imports.
make_user = factories.staff


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Also create the test database when only browser tests were collected.

    pytest-django creates it only for tests marked for the database; browser tests reach it
    through their own live server, without that mark.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"] != MAIN_DATABASE_NAME:  # already the test database
        yield
        return
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A fresh installation's SQLite database (`manage.py migrate` in a process of its own),
    made once per session: the tests of real worker processes copy it rather than migrating
    again (a minute each)."""
    folder = tmp_path_factory.mktemp("migrated")
    removed = {"DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_SYNC", "DATABASE_URL", "REDIS_URL"}
    env = {key: value for key, value in os.environ.items() if key not in removed}
    env.update(
        DJANGO_SETTINGS_MODULE="backoffice.settings",
        DEBUG="true",
        VAR_DIR=str(folder),
        TASKS_SYNC="false",
        # The rows its migration queues come due within seconds, as in tests/test_outbox_faults.py
        OUTBOX_LEASE_SECONDS="5",
        OUTBOX_RETRY_SECONDS="5",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return folder / "wegwijs.sqlite3"


@pytest.fixture
def user_for_role(db):
    def factory(role: str):
        return None if role == "anonymous" else make_user(role)

    return factory


@pytest.fixture
def client_for_role(client, user_for_role):
    def factory(role: str):
        user = user_for_role(role)
        if user is not None:
            client.force_login(user)
        return client

    return factory


@pytest.fixture
def staff_roles():
    return roles.STAFF_ROLES


@pytest.fixture
def client():
    """Django's test client; its force_login also marks the session as MFA-verified with a
    real device (tests/mfa.py). MFA itself is tested with force_login(user, verified=False)."""
    from tests.mfa import MfaClient

    return MfaClient()


DB_FIXTURES = {"db", "transactional_db", "site_server", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate-limit counters and lockouts live in caches; every test starts with none.

    The limits' cache is a database table: emptied for tests that use the database (its rows
    are not rolled back for browser and transactional tests)."""
    from django.core.cache import cache, caches

    cache.clear()
    if DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("django_db_setup")
        limits = caches[settings.RATE_LIMIT_CACHE]
        if "redis" not in type(limits).__module__:  # never flush a shared Redis
            with request.getfixturevalue("django_db_blocker").unblock():
                limits.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request to /fr/ leaves French active
    in the thread it ran in, which would otherwise reach the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments of each test go to its own folder, never to var/."""
    from django.utils.functional import empty

    from tickets.attachments import private_storage

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
