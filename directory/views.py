"""The public "find help near you" page: no JavaScript, one short query, five languages."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from directory import services as directory
from directory.forms import FindHelpForm
from directory.languages import language_name


def _card(service):
    return {
        "service": service,
        "languages": [language_name(code) for code in service.language_codes],
        "map_query": f"{service.address}, {service.postcode} {service.town}",
    }


@require_GET
def find_help(request):
    municipality = topic = None
    searched = bool(request.GET)
    if searched:
        form = FindHelpForm(request.GET)
        if form.is_valid():
            municipality = form.cleaned_data["found"]
            topic = form.cleaned_data["topic"]
            directory.remember_municipality(request, municipality)
    else:
        municipality = directory.reader_municipality(request)
        form = FindHelpForm(initial={"municipality": municipality.pk if municipality else None})
    results = None
    if municipality is not None:
        results = [_card(service) for service in directory.services_near(municipality, topic)]
    return render(
        request,
        "directory/find_help.html",
        {
            "form": form,
            "municipality": municipality,
            "topic": topic,
            "results": results,
            "searched": searched,
        },
    )


@require_POST
def forget_place(request):
    directory.forget_municipality(request)
    return HttpResponseRedirect(reverse("directory:find_help"))
