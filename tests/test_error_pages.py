"""Issue 21, defect 9: clear answers to bad input, in the visitor's language and the site's layout.

A body Django will not read (12 MB of text, 1,500 fields, too many files, a multipart body
without boundary, a 5,000-character file name) gets a page that says what happened, in the
language of the page the visitor was on; so do a missing page, an expired form and an error of
ours (that page needs neither the database nor the cache). Forms name what is missing in the
visitor's words.
"""

import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import TooManyFieldsSent
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation
from django.utils.html import escape

from backoffice import error_views
from backoffice.models import LegalDomain, Municipality, Region
from tests.test_tickets_model import PDF_BYTES
from tickets.models import Question

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "fr"]


def said(text: str, language: str) -> str:
    with translation.override(language):
        return escape(str(translation.gettext(text)))


def page(response, status: int, language: str) -> str:
    html = response.content.decode()
    assert response.status_code == status, html[:2000]
    assert f'<html lang="{language}"' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html  # the site's layout
    assert "Bad Request" not in html and "Forbidden" not in html
    return html


TOO_LARGE = (
    "What you sent is larger than we can receive. Files go in the file field, at most "
    "10 MB each; text longer than a letter cannot be sent in one form."
)
EXPIRED = (
    "This form has expired or your browser did not send its cookie. Go back, reload the page "
    "and send the form again. If it keeps happening, allow cookies for this site."
)
TOKEN_MISSING = (
    "Part of the page was missing when the form was sent, so your question was not sent yet. "
    "Check what you wrote and send the form again."
)
DAMAGED = (
    "The form arrived damaged or incomplete (for example a file name far too long, "
    "or the connection broke off). Reload the page and send it again."
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_page(client, language):
    html = page(client.get(f"/{language}/bestaat-niet/"), 404, language)
    assert said("Page not found", language) in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_field_of_12_mb_gets_413(client, language):
    response = client.post(f"/{language}/ask/", {"body": "x" * (12 * 1024 * 1024)})
    html = page(response, 413, language)
    assert said(TOO_LARGE, language) in html
    assert said("Too much sent at once", language) in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_1500_fields_get_a_clear_400(client, language):
    data = {f"field{number}": "x" for number in range(1500)}
    html = page(client.post(f"/{language}/ask/", data), 400, language)
    assert (
        said("The form sent far more fields than it has. Reload the page and try again.", language)
        in html
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_multipart_body_without_boundary_gets_a_clear_400(client, language):
    response = client.generic(
        "POST", f"/{language}/ask/", b"--x\r\n\r\nabc", content_type="multipart/form-data"
    )
    assert said(DAMAGED, language) in page(response, 400, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_too_many_files_in_one_request_get_a_clear_400(client, settings, language):
    files = [("files", (f"brief{n}.pdf", PDF_BYTES)) for n in range(25)]
    body, content_type = _multipart(files)
    response = client.generic("POST", f"/{language}/ask/", body, content_type=content_type)
    html = page(response, 400, language)
    assert (
        said(
            "Too many files were sent at once. Choose at most a few letters or documents and try "
            "again.",
            language,
        )[:20]
        in html
    )


def _multipart(files, fields=()):
    boundary = "wegwijsboundary"
    parts = []
    for name, value in fields:
        header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{header}{value}\r\n".encode())
    for name, (filename, content) in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def place():
    region = Region.objects.create(name="Gent", slug="gent")
    return Municipality.objects.create(name="Gent", postcode="9000", region=region)


def _ask_fields(place, **overrides):
    fields = {
        "legal_domain": LegalDomain.objects.get(slug="social-law").pk,
        "subject": "Leefloon geweigerd",
        "body": "Het OCMW weigert mijn leefloon.",
        "contact_language": "nl",
        "municipality": place.pk,
        "processing_consent": "on",
        "submission_token": str(uuid.uuid4()),
        "website": "",
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_file_name_of_5000_characters_gets_a_clear_400(client, place, language):
    # Django refuses a part header this long before any file is read.
    body, content_type = _multipart(
        [("files", ("a" * 5000 + ".pdf", PDF_BYTES))], _ask_fields(place).items()
    )
    response = client.generic("POST", f"/{language}/ask/", body, content_type=content_type)
    assert said(DAMAGED, language) in page(response, 400, language)
    assert Question.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_form_gets_a_page_that_says_so(language):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{language}/follow-up/", {"reference": "WW-2026-000001"})
    html = page(response, 403, language)
    assert said(EXPIRED, language)[:30] in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_our_error_page_needs_no_database_or_cache(django_assert_num_queries, language):
    assert get_resolver().resolve_error_handler(500) is error_views.server_error
    request = RequestFactory().get(f"/{language}/")
    with translation.override(language), django_assert_num_queries(0):
        response = error_views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}"' in html and 'class="site-header"' in html
    assert said("Something went wrong", language) in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_follow_up_post_without_fields_names_what_is_missing(client, language):
    html = page(client.post(f"/{language}/follow-up/", {}), 400, language)
    errors = re.search(r'<div class="form-errors".*?</div>', html, re.S)
    assert errors, "no message"
    # Each message names its field (the summary shows messages, not labels).
    assert said("Enter the reference of your question (it starts with WW-).", language) in (
        errors.group(0)
    )
    assert said("Enter the secret code you got with your reference.", language) in errors.group(0)
    assert said("This field is required.", language) not in errors.group(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_hidden_token_is_told_in_the_visitors_words(client, place, language):
    fields = _ask_fields(place, submission_token="")
    html = page(client.post(f"/{language}/ask/", fields), 400, language)
    errors = re.search(r'<div class="form-errors".*?</div>', html, re.S).group(0)
    assert "submission" not in errors.lower() and "token" not in errors.lower()
    assert said(TOKEN_MISSING, language)[:25] in errors
    assert "Het OCMW weigert mijn leefloon." in html  # what they typed is kept
    token = re.search(r'name="submission_token" value="([^"]+)"', html).group(1)
    assert uuid.UUID(token)  # a new one: sending again works
    fields["submission_token"] = token
    assert client.post(f"/{language}/ask/", fields).status_code == 302
    assert Question.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rate_limit_without_a_form_of_its_own_gets_a_429_page(language):
    request = RequestFactory().get(f"/{language}/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = error_views.too_many_requests(request)
    html = page(response, 429, language)
    assert said("Too many attempts", language) in html
    assert (
        said(
            "Many requests came from this connection in a short time. Wait a while and try again.",
            language,
        )[:25]
        in html
    )


def test_a_4xx_page_that_cannot_get_its_layout_still_answers_in_the_plain_one(settings):
    # The full layout needs the database (the knowledge base link, the session's user): when
    # it cannot be rendered, the same message comes in the layout the 500 page uses.
    request = RequestFactory().get("/fr/")
    request.user = BrokenUser()
    with translation.override("fr"):
        response = error_views.bad_request(request, TooManyFieldsSent())
    html = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="fr"' in html and 'class="site-header"' in html
    assert (
        said("The form sent far more fields than it has. Reload the page and try again.", "fr")[:25]
        in html
    )


class BrokenUser:
    """A user whose look-up fails, as when the database is down."""

    @property
    def is_authenticated(self):
        raise ConnectionError("the database is down")
