"""The questions app's models, one module per area; every model is importable from here
(`from tickets.models import Question`), and Django finds them all through this package.

- questions: a question, its thread, attachments, consents, status history; the queue's quick
  views and orders (QuestionQuerySet)
- sla: service levels · composer: answer templates and drafts · promotion: article proposals
- documents: letterheads, handovers, generated documents · privacy: retention policy, legal
  holds, erasure requests · policy_signals · referrals · network (support contacts)
"""

from tickets.models.composer import AnswerTemplate, MessageDraft
from tickets.models.documents import GeneratedDocument, Handover, Letterhead
from tickets.models.network import SupportContact
from tickets.models.policy_signals import PolicySignal, SignalCategory, SignalGroup
from tickets.models.privacy import ErasureRequest, LegalHold, RetentionPolicy
from tickets.models.promotion import ArticleProposal
from tickets.models.questions import (
    OPEN_STATUSES,
    QUICK_VIEWS,
    REFERENCE_PATTERN,
    Attachment,
    Consent,
    Message,
    Outcome,
    Priority,
    Question,
    QuestionQuerySet,
    ReferenceCounter,
    RequesterKind,
    SignInLink,
    Status,
    StatusChange,
    open_work_only,
    overdue_q,
)
from tickets.models.referrals import Referral
from tickets.models.sla import SLAPolicy

__all__ = [
    "OPEN_STATUSES",
    "QUICK_VIEWS",
    "REFERENCE_PATTERN",
    "AnswerTemplate",
    "ArticleProposal",
    "Attachment",
    "Consent",
    "ErasureRequest",
    "GeneratedDocument",
    "Handover",
    "LegalHold",
    "Letterhead",
    "Message",
    "MessageDraft",
    "Outcome",
    "PolicySignal",
    "Priority",
    "Question",
    "QuestionQuerySet",
    "ReferenceCounter",
    "Referral",
    "RequesterKind",
    "RetentionPolicy",
    "SLAPolicy",
    "SignInLink",
    "SignalCategory",
    "SignalGroup",
    "Status",
    "StatusChange",
    "SupportContact",
    "open_work_only",
    "overdue_q",
]
