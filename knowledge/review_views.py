"""Editors' listings in the admin: articles due for legal review, and outdated translations."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge import review


def _listing(request, *, title, intro, articles, show_source):
    if not review.can_curate(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "knowledge/admin/review_listing.html",
        {
            "header_title": title,
            "intro": intro,
            "articles": articles,
            "show_source": show_source,
            "today": timezone.localdate(),
        },
    )


def due_for_review(request):
    return _listing(
        request,
        title=_("Due for legal review"),
        intro=_(
            "Articles whose last legal review is older than their review interval, most overdue "
            "first. Check the law, update the article, set the new review date and submit it to "
            "Legal review."
        ),
        articles=review.due_for_review(),
        show_source=False,
    )


def outdated_translations(request):
    return _listing(
        request,
        title=_("Outdated translations"),
        intro=_(
            "Translations whose source article was published again after they were made. Readers "
            "see a notice on these pages until the translation is brought up to date."
        ),
        articles=list(review.outdated_translations()),
        show_source=True,
    )
