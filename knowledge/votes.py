""" "Was this helpful?": anonymous, one answer per article and visitor, rate-limited.

A visitor is recognised by a random token in a long-lived cookie (stored only as a keyed hash).
Voting needs cookies anyway (the form is CSRF-protected); a visitor who comes back without
the token but from the same client address changes their earlier answer instead of adding
one. Answers per client address and hour are limited (`ARTICLE_VOTES_PER_HOUR`).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from backoffice.ratelimit import client_key, limit_reached
from knowledge.models import ArticleVote

VISITOR_COOKIE = "wegwijs_visitor"
VISITOR_COOKIE_AGE = 365 * 24 * 3600
HOUR = 3600


def _hash(value: str) -> str:
    key = settings.AUDIT_IP_HASH_KEY.encode()
    return hmac.new(key, f"article-vote:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def visitor_token(request) -> str | None:
    token = request.COOKIES.get(VISITOR_COOKIE, "")
    return token if 16 <= len(token) <= 64 and token.isascii() else None


def existing_vote(request, article) -> ArticleVote | None:
    token = visitor_token(request)
    if token is None:
        return None
    return ArticleVote.objects.filter(article=article, visitor_hash=_hash(token)).first()


@dataclass
class VoteResult:
    status: str  # "recorded", "changed" or "limited"
    token: str | None = None  # the cookie to set (new visitors)


def record_vote(request, article, helpful: bool) -> VoteResult:
    """Record the visitor's answer for `article` (the caller checked they may read it)."""
    client = client_key(request)
    if limit_reached("article-vote", client, settings.ARTICLE_VOTES_PER_HOUR, HOUR):
        return VoteResult("limited")
    token = visitor_token(request)
    new_token = None
    vote = None
    if token is not None:
        vote = ArticleVote.objects.filter(article=article, visitor_hash=_hash(token)).first()
    else:
        new_token = token = secrets.token_urlsafe(24)
        vote = (
            ArticleVote.objects.filter(article=article, client_hash=client)
            .order_by("-created")
            .first()
        )
    if vote is not None:
        vote.helpful = helpful
        vote.save(update_fields=["helpful"])
        return VoteResult("changed", new_token)
    try:
        with transaction.atomic():
            ArticleVote.objects.create(
                article=article, helpful=helpful, visitor_hash=_hash(token), client_hash=client
            )
    except IntegrityError:  # a double click: the first one counted
        ArticleVote.objects.filter(article=article, visitor_hash=_hash(token)).update(
            helpful=helpful
        )
        return VoteResult("changed", new_token)
    return VoteResult("recorded", new_token)


def set_visitor_cookie(response, token: str) -> None:
    response.set_cookie(
        VISITOR_COOKIE,
        token,
        max_age=VISITOR_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def tally(article) -> dict:
    votes = ArticleVote.objects.filter(article=article)
    helpful = votes.filter(helpful=True).count()
    return {"helpful": helpful, "not_helpful": votes.count() - helpful}


def tallies(article_ids, begin, stop) -> dict[int, dict]:
    """{article id: {"helpful", "not_helpful"}} of the answers given from `begin` up to (not
    including) `stop`, for the given articles (absent: no answer)."""
    from django.db.models import Count, Q

    rows = (
        ArticleVote.objects.filter(article__in=list(article_ids), created__gte=begin)
        .filter(created__lt=stop)
        .values("article")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .order_by()
    )
    return {row["article"]: {"helpful": row["yes"], "not_helpful": row["no"]} for row in rows}
