"""Error pages in the visitor's language and the site's layout (issue 21, defect 9).

Django answers a body it will not read (too large, too many fields or files, a multipart body
without its boundary, a damaged upload) with a 400 page; these handlers say what happened in
words a visitor knows, in the language of the page they were on, and answer a body that is too
large with 413. The 4xx pages extend the public base template; should that fail (the database
or cache is down), the same message is given in the plain layout that the 500 page uses, which
needs neither the database nor the cache.
"""

import logging

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _title(status: int) -> str:
    return {
        400: _("Your request could not be read"),
        403: _("No access"),
        404: _("Page not found"),
        413: _("Too much sent at once"),
        429: _("Too many attempts"),
    }.get(status, "Wegwijs")


def _render(request, template_name: str, status: int, context=None) -> HttpResponse:
    context = {"title": _title(status), **(context or {})}
    try:
        body = loader.get_template(template_name).render(context, request)
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("The %s page could not be rendered; the plain page is used", status)
        body = loader.get_template("errors/plain.html").render({**context, "status": status})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _too_large_message() -> str:
    return _(
        "What you sent is larger than we can receive. Files go in the file field, at most "
        "10 MB each; text longer than a letter cannot be sent in one form."
    )


def bad_request_reason(exception) -> str:
    """What went wrong with a request body, in the visitor's words."""
    if isinstance(exception, TooManyFieldsSent):
        return _("The form sent far more fields than it has. Reload the page and try again.")
    if isinstance(exception, TooManyFilesSent):
        return _(
            "Too many files were sent at once. Choose at most a few letters or documents "
            "and try again."
        )
    if isinstance(exception, MultiPartParserError):
        return _(
            "The form arrived damaged or incomplete (for example a file name far too long, "
            "or the connection broke off). Reload the page and send it again."
        )
    return _(
        "We could not understand what your browser sent. Reload the page and try again; "
        "what you already sent to us is not lost."
    )


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig):
        return _render(request, "413.html", 413, {"reason": _too_large_message()})
    return _render(request, template_name, 400, {"reason": bad_request_reason(exception)})


@requires_csrf_token
def permission_denied(request, exception=None, template_name="403.html"):
    return _render(request, template_name, 403)


@requires_csrf_token
def page_not_found(request, exception=None, template_name="404.html"):
    return _render(request, template_name, 404)


def csrf_failure(request, reason="", template_name="403.html"):
    """A form sent after its page expired, or with cookies blocked: say so, in words."""
    return _render(
        request,
        template_name,
        403,
        {
            "reason": _(
                "This form has expired or your browser did not send its cookie. Go back, "
                "reload the page and send the form again. If it keeps happening, allow "
                "cookies for this site."
            )
        },
    )


def too_many_requests(request, message: str = "") -> HttpResponse:
    """The answer of a rate limit that has no form of its own to show."""
    return _render(request, "429.html", 429, {"reason": message})


def server_error(request, template_name="500.html"):
    """Rendered without the request's context processors: no database, no cache, no session."""
    try:
        body = loader.get_template(template_name).render({})
    except Exception:  # noqa: BLE001 - the last resort must answer
        logger.exception("The 500 page could not be rendered")
        body = "<!DOCTYPE html><title>Wegwijs</title><h1>500</h1>"
    return HttpResponse(body, status=500, content_type="text/html; charset=utf-8")
