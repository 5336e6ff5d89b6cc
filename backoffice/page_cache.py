"""Whole-page cache of public pages for anonymous visitors.

Only a response a page marks cacheable (`mark_cacheable`, used by the home, knowledge and article
pages) is kept, and only one made for a visitor without a session, messages or a vote cookie:
such a visitor is anonymous, so the page's access rules (the article audiences, Wagtail's view
restrictions) saw nobody signed in, and every later visitor it is given to is anonymous too.

Correct invalidation: every key holds the content generation, a counter in the database that any
change to pages, their view restrictions or the snippets they show moves on (`bump`), so every
web worker sees the change at its next request, with or without a shared cache. A timeout bounds
anything no signal reports (a translation catalogue deployed, a clock-based notice).

A served copy carries the same security headers as a fresh page: the middleware that sets them
(security, CSP, X-Frame-Options, Permissions-Policy) sits above this one, and the copy keeps the
page's own Vary and adds Vary: Cookie (tests/test_security_headers.py).

The CSRF token of a cached form is not the next visitor's: it is replaced by a placeholder when
stored and by the visitor's own token when served (Django then sets the visitor's CSRF cookie).

A page that must know when it is given without being made (an article counts its reads) tags its
response (`tag`); the tags are kept with the copy, and serving the copy sends `copy_served` with
the request and the tags. The platform does not know what a tag means: the app that tagged the
page listens (knowledge.reads).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import F
from django.dispatch import Signal
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

from backoffice.db.prepared import Prepared

CACHEABLE_ATTRIBUTE = "wegwijs_public_cache"
TAGS_ATTRIBUTE = "wegwijs_public_cache_tags"
_TOKEN_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"__wegwijs_csrf_token__"
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "Vary", "Cache-Control")


def mark_cacheable(response):
    setattr(response, CACHEABLE_ATTRIBUTE, True)
    return response


# Sent with `request` and `tags` (the tags of the page's response) when a kept copy is served.
copy_served = Signal()


def tag(response, *tags: str):
    """Names the page's kept copies carry; serving one sends them with `copy_served`."""
    setattr(response, TAGS_ATTRIBUTE, (*getattr(response, TAGS_ATTRIBUTE, ()), *tags))
    return response


CONTENT = 1  # the ContentGeneration row of the content generation


def _generation_query():
    from backoffice.models import ContentGeneration

    return ContentGeneration.objects.filter(pk=CONTENT).values_list("value")


_GENERATION = Prepared(_generation_query)


def generation() -> int:
    """Read at every anonymous GET and every page with the public shell: its SQL is built once
    (backoffice.db.prepared)."""
    from backoffice.models import ContentGeneration

    alias = router.db_for_read(ContentGeneration)
    with connections[alias].cursor() as cursor:
        cursor.execute(*_GENERATION.sql(alias))
        row = cursor.fetchone()
    return (row[0] if row else 0) or 0


def bump(**_signal_kwargs) -> None:
    """Move the content generation on: every cached page is stale from now on."""
    from backoffice.models import ContentGeneration

    if not ContentGeneration.objects.filter(pk=CONTENT).update(value=F("value") + 1):
        ContentGeneration.objects.get_or_create(pk=CONTENT, defaults={"value": 1})


def _eligible(request) -> bool:
    if not settings.PUBLIC_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return not any(name in cookies for name in settings.PUBLIC_PAGE_CACHE_BYPASS_COOKIES)


def _key(request, content_generation: int) -> str:
    return ":".join(
        (
            "public-page",
            str(content_generation),
            getattr(request, "LANGUAGE_CODE", ""),
            request.get_host(),
            request.get_full_path(),
        )
    )


class PublicPageCacheMiddleware:
    """After CsrfViewMiddleware (it sets the CSRF cookie of a served copy) and after
    LocaleMiddleware (the key holds the language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = _key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            response = self._serve(request, stored)
            if stored.get("tags"):
                copy_served.send(sender=type(self), request=request, tags=stored["tags"])
            return response
        response = self.get_response(request)
        if (
            getattr(response, CACHEABLE_ATTRIBUTE, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            cache.set(key, self._stored(response), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _stored(response) -> dict:
        content = _TOKEN_INPUT.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
        headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
        return {
            "content": content,
            "headers": headers,
            "tags": getattr(response, TAGS_ATTRIBUTE, ()),
        }

    @staticmethod
    def _serve(request, stored: dict) -> HttpResponse:
        content = stored["content"]
        if _PLACEHOLDER in content:
            content = content.replace(_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in stored["headers"].items():
            response[name] = value
        # The page differs for a visitor with a session (a copy is only given to those without),
        # so shared caches must key on the cookie, as for a fresh page. The other security
        # headers come from middleware above this one (settings.MIDDLEWARE).
        patch_vary_headers(response, ("Cookie",))
        return response
