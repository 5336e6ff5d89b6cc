"""Index on commit: a change to an object of a registered kind (or to one of its dependents,
e.g. a message of a question) queues a task once the transaction commits, through the queue the
platform gives (`use_queue`), or straight to django-q2. Queueing problems of the latter are
logged, never raised: a save never fails because search is down."""

import contextlib
import contextvars
import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

_receivers: dict[str, list] = {}


def _enqueue(task: str, kind: str, object_id) -> None:
    try:
        from django_q.tasks import async_task

        async_task(f"search.tasks.{task}", kind, str(object_id), group="search")
    except Exception:
        logger.warning("Search: could not queue %s %s:%s", task, kind, object_id, exc_info=True)


# The platform may give its own queue (backoffice.outbox: a row written with the change, run
# after the commit, handed over again until it succeeds); without one, a task after the commit.
_queue = None


def use_queue(queue) -> None:
    """`queue(task, kind, object_id)` receives every index task from now on (None: the default)."""
    global _queue
    _queue = queue


# The objects already queued inside a `once_per_object` block.
_batch = contextvars.ContextVar("search_once_per_object", default=None)


@contextlib.contextmanager
def once_per_object():
    """Within this block (used inside one transaction, e.g. as a decorator under
    @transaction.atomic), each object is queued for indexing once, however often it is saved:
    a reply saves the message, the question and its status, and the worker indexes the question
    once at commit, from what is stored then."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set(set())
    try:
        yield
    finally:
        _batch.reset(token)


def schedule(task: str, kind: str, object_id) -> None:
    if _queue is not None:  # the platform's queue keeps one row per effect and transaction
        _queue(task, kind, str(object_id))
        return
    key = (task, kind, str(object_id))
    batch = _batch.get()
    if batch is not None:
        if key in batch:
            return
        batch.add(key)
    callback = partial(_enqueue, task, kind, object_id)
    callback.search_key = key
    transaction.on_commit(callback)


def connect(kind) -> None:
    disconnect(kind)
    receivers = []

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            schedule("index_object", kind.name, instance.pk)

    def deleted(sender, instance, **kwargs):
        schedule("remove_object", kind.name, instance.pk)

    if kind.model is not None and hasattr(kind.model, "_meta"):
        post_save.connect(saved, sender=kind.model, weak=False)
        post_delete.connect(deleted, sender=kind.model, weak=False)
        receivers += [(post_save, saved, kind.model), (post_delete, deleted, kind.model)]

    for model, parent_of in kind.dependents.items():

        def changed(sender, instance, raw=False, _parent_of=parent_of, **kwargs):
            if raw:
                return
            try:
                parent = _parent_of(instance)
            except Exception:  # the parent is being deleted too
                return
            if parent is not None and parent.pk is not None:
                schedule("index_object", kind.name, parent.pk)

        post_save.connect(changed, sender=model, weak=False)
        post_delete.connect(changed, sender=model, weak=False)
        receivers += [(post_save, changed, model), (post_delete, changed, model)]
    _receivers[kind.name] = receivers


def disconnect(kind) -> None:
    for signal, receiver, model in _receivers.pop(kind.name, []):
        signal.disconnect(receiver, sender=model)
