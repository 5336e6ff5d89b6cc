"""Public knowledge base views beyond Wagtail's page serving: the "Was this helpful?" answer,
and the sitemap limited to public articles."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledge import votes
from knowledge.audiences import readable_articles


@require_POST
def vote(request, page_id: int):
    article = readable_articles(request.user).filter(pk=page_id).first()
    answer = request.POST.get("helpful")
    if article is None:
        raise Http404
    back = redirect(article.get_url(request=request) or "/")
    if answer not in ("yes", "no"):
        messages.error(request, _("Choose “Yes” or “No”."))
        return back
    result = votes.record_vote(request, article, helpful=answer == "yes")
    if result.status == "limited":
        messages.error(
            request, _("Many answers came from this connection. Please try again later.")
        )
    elif result.status == "changed":
        messages.success(request, _("Thank you. We changed your earlier answer."))
    else:
        messages.success(request, _("Thank you for your answer. It helps us improve this page."))
    if result.token:
        votes.set_visitor_cookie(back, result.token)
    return back
