"""THE audience rule of the knowledge base: who may read which article.

- anonymous visitors (newcomers): public articles;
- users in the professional group: public and professionals articles;
- staff (specialist, editor, coordinator) and superusers: all articles (internal too).

Page serving, listings, the sitemap and search call these functions; nothing else decides.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from backoffice import roles

PUBLIC = "public"
PROFESSIONALS = "professionals"
INTERNAL = "internal"
ALL_AUDIENCES = [PUBLIC, PROFESSIONALS, INTERNAL]


def readable_audiences(user) -> list[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return [PUBLIC]
    if user.is_superuser:
        return list(ALL_AUDIENCES)
    user_roles = roles.user_roles(user)
    if user_roles & set(roles.STAFF_ROLES):
        return list(ALL_AUDIENCES)
    if roles.PROFESSIONAL in user_roles:
        return [PUBLIC, PROFESSIONALS]
    return [PUBLIC]


def can_read(user, article) -> bool:
    return article.audience in readable_audiences(user)


def readable_articles(user, queryset=None):
    """Live articles the user may read (optionally narrowing `queryset` of ArticlePage)."""
    from knowledge.models import ArticlePage

    if queryset is None:
        queryset = ArticlePage.objects.all()
    return queryset.live().filter(audience__in=readable_audiences(user))


def deny_unreadable(article, request):
    """The response for a reader who may not read `article`, or None when they may.

    Anonymous visitors of a professionals or internal article are sent to the sign-in page
    (professionals reach their articles from a shared link); a signed-in user who still may not
    read it (a professional on an internal article) gets a 404, so internal titles do not leak.
    """
    user = getattr(request, "user", None)
    if can_read(user, article):
        return None
    if user is None or not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404
