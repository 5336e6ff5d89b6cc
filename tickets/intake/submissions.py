"""A form sent twice: a double click, or a response lost and the form sent again.

The submission token (a random UUID in the form, unique on the question) makes the second
POST find the question the first one made instead of making another. The newcomer's code is
derived from the token (tickets.access_codes.access_code_for_submission), so the second
response shows the same reference and code as the first: the page the browser ends up showing
is never "saved" without them. Only the holder of the form (its token) gets them, and only for
SUBMISSION_REPLAY_HOURS after the question was made; a code changed since is never shown.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tickets.access_codes import access_code_for_submission, access_code_matches
from tickets.models import Question, RequesterKind


def sent_before(submission_token) -> tuple[Question | None, str | None]:
    """The question this form already made (marked `sent_before`) and, for a newcomer's
    question still in the replay window, its code; (None, None) for a new submission."""
    if not submission_token:
        return None, None
    question = Question.objects.filter(submission_token=submission_token).first()
    if question is None:
        return None, None
    question.sent_before = True
    window = timedelta(hours=settings.SUBMISSION_REPLAY_HOURS)
    if question.requester_kind != RequesterKind.NEWCOMER or (
        question.created_at < timezone.now() - window
    ):
        return question, None
    code = access_code_for_submission(submission_token)
    if not access_code_matches(code, question.access_code_hash):
        return question, None
    return question, code
