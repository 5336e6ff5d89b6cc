"""Public search pages: the knowledge base search and the live suggestions fragment."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from search import querylog, service
from search.registry import FACETS

SHOWN_FACETS = ("legal_domain", "audience", "language")


def _language_name(code):
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:
        return code


def _language():
    return translation.get_language() or settings.LANGUAGE_CODE


@require_GET
def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    filters = {name: request.GET.getlist(name) for name in FACETS if request.GET.getlist(name)}
    language = None if "language" in filters else _language()
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    results = None
    if query or filters:
        results = service.search(
            query,
            kinds=service.public_kinds(),
            user=request.user,
            filters=filters,
            language=language,
            page=page,
            originals=True,
        )
        if query and page == 1:
            querylog.record(query, language or _language(), results.total)

    def link(**changes):
        params = {"q": query, **filters}
        params.update(changes)
        return "?" + urlencode(
            {key: value for key, value in params.items() if value not in (None, "", [])},
            doseq=True,
        )

    facets = []
    if results is not None:
        for name in SHOWN_FACETS:
            values = results.facets.get(name, [])
            if len(values) < 2 and not any(value.selected for value in values):
                continue
            options = []
            for value in values:
                chosen = filters.get(name, [])
                toggled = (
                    [v for v in chosen if v != value.value]
                    if value.selected
                    else [
                        *chosen,
                        value.value,
                    ]
                )
                options.append((value, link(**{name: toggled, "page": None})))
            facets.append((name, options))
    ask_url = reverse("tickets:ask")
    if query:
        ask_url += "?" + urlencode({"question": query})
    hits = results.hits if results is not None else []
    for hit in hits:
        if hit.original:
            hit.language_name = _language_name(hit.language)
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "ask_url": ask_url,
            "own_hits": [hit for hit in hits if not hit.original],
            "original_hits": [hit for hit in hits if hit.original],
            "did_you_mean": link(q=results.suggestion, page=None)
            if results is not None and results.suggestion
            else None,
            "results": results,
            "facets": facets,
            "previous_page": link(page=page - 1) if results and page > 1 else None,
            "next_page": link(page=page + 1) if results and page < results.pages else None,
        },
    )


@require_GET
def suggestions(request):
    """Up to five articles for what is being typed (an HTML fragment for the intake form)."""
    text = request.GET.get("q", "")[:1000]
    asked = len(text.strip()) >= 3
    hits = service.suggest(text, _language(), request.user) if asked else []
    return render(request, "search/_suggestions.html", {"suggestions": hits, "asked": asked})
