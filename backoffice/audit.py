"""The one way to record a sensitive read or change. Later features call `record_event`."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from backoffice.client_address import client_address
from backoffice.models import AuditEvent


def hash_client_address(address: str) -> str:
    """A keyed hash: lets us see repeated use from one client without keeping the address."""
    if not address:
        return ""
    key = settings.AUDIT_IP_HASH_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def record_event(
    action: str,
    *,
    request=None,
    actor=None,
    actor_label: str = "",
    target: models.Model | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Write one audit event.

    `actor` defaults to the request's authenticated user; `actor_label` names an actor without an
    account (e.g. "requester"). `details` must not hold personal content: identifiers only.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor is not None else ""),
        details=details or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_label = str(target)[:255]
    if request is not None:
        event.request_method = (request.method or "")[:10]
        event.request_path = (request.path or "")[:500]
        event.ip_hash = hash_client_address(client_address(request))
        event.user_agent = request.headers.get("User-Agent", "")[:200]
    event.save()
    return event
