"""The public page cache (backoffice.page_cache): served to anonymous visitors only, stale as soon
as content changes, and every form in a served copy still carries the visitor's own CSRF token."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from knowledge.importing import import_directory
from knowledge.models import ArticlePage, ArticleVote
from tests.conftest import make_user

DATA = Path(__file__).parent / "data" / "articles"
PUBLIC_URL = "/nl/kennisbank/residence/test-gezinshereniging/"
PROFESSIONALS_URL = "/nl/kennisbank/social-law/test-leefloon-professionals/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def articles(db, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    report = import_directory(DATA)
    assert report.ok, report.errors
    yield
    cache.clear()


def article(slug):
    return ArticlePage.objects.get(slug=slug, locale__language_code="nl")


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(context.captured_queries)


def test_an_anonymous_visitor_gets_the_kept_copy(articles):
    first, made = queries_of(Client(), PUBLIC_URL)
    again, served = queries_of(Client(), PUBLIC_URL)
    assert served == 1 < made  # only the content generation is read
    assert again.content == first.content.replace(
        TOKEN.search(first.content.decode()).group(1).encode(),
        TOKEN.search(again.content.decode()).group(1).encode(),
    )


def test_publishing_makes_kept_copies_stale(articles):
    Client().get(PUBLIC_URL)
    page = article("test-gezinshereniging")
    page.title = "Gezinshereniging: nieuwe regels"
    page.save_revision().publish()
    assert "Gezinshereniging: nieuwe regels" in Client().get(PUBLIC_URL).content.decode()

    page.unpublish()
    assert Client().get(PUBLIC_URL).status_code == 404


def test_the_served_form_carries_the_visitors_own_token(articles):
    Client().get(PUBLIC_URL)  # kept
    visitor = Client(enforce_csrf_checks=True)
    served = visitor.get(PUBLIC_URL)
    assert "csrftoken" in served.cookies  # Django set this visitor's CSRF cookie
    token = TOKEN.search(served.content.decode()).group(1)
    page = article("test-gezinshereniging")
    response = visitor.post(
        f"/nl/knowledge-vote/{page.pk}/", {"helpful": "yes", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert ArticleVote.objects.filter(article=page, helpful=True).count() == 1

    # Having voted (the visitor cookie), the visitor sees their own answer, not the kept copy.
    assert "wegwijs_visitor" in visitor.cookies
    again, made = queries_of(visitor, PUBLIC_URL)
    assert made > 1


def test_signed_in_readers_never_get_or_leave_a_copy(articles):
    anonymous_denied = Client().get(PROFESSIONALS_URL)
    assert anonymous_denied.status_code != 200

    professional = Client()
    professional.force_login(make_user(roles.PROFESSIONAL, "pro"))
    shown = professional.get(PROFESSIONALS_URL)
    assert shown.status_code == 200
    professional.get(PUBLIC_URL)  # made for a signed-in reader: not kept

    assert Client().get(PROFESSIONALS_URL).status_code == anonymous_denied.status_code
    anonymous, made = queries_of(Client(), PUBLIC_URL)
    assert made > 1  # nothing was kept from the professional's visit
    assert 'action="/nl/logout/"' not in anonymous.content.decode()
    signed_in = professional.get(PUBLIC_URL).content.decode()
    assert 'action="/nl/logout/"' in signed_in  # the kept anonymous copy is not given to them


def test_off_when_the_setting_is_zero(articles, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    Client().get(PUBLIC_URL)
    _response, made = queries_of(Client(), PUBLIC_URL)
    assert made > 1
