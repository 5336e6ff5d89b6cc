"""The outbox: every side effect a service causes is a row written in the same transaction as
the change that causes it, and run by the django-q2 worker once that transaction committed.

    outbox.add(notifications.send_sign_in_link, question.pk, "new")

- **Handlers are functions**, registered under their dotted path (`@outbox.handler(...)` or
  `outbox.register(func, ...)`); the worker runs only registered ones.
- **Once per transaction**: adding the same handler with the same arguments twice in one
  transaction (a staff reply saves the question three times) writes one row. A service may
  have its rows written together at the end of its transaction (`batched`: one INSERT, their
  tasks under one savepoint), as lifecycle.create_question does.
- **After the commit** the row is handed to django-q2 (`run`); a rolled-back change leaves
  neither a row nor a task. With the database broker the task's row is written in the
  change's own transaction instead (no hand-over transaction after it; the worker sees it
  once it committed). The row is marked done when its handler returned.
- **Nothing lost**: a row not done in time (the task was lost with Redis, the worker was killed,
  the broker was down, the handler failed) is handed over again by `sweep`, a django-q2
  schedule, until it succeeds or OUTBOX_MAX_ATTEMPTS runs failed.
- **Nothing twice**: a worker claims a row before running it (another may take it over only when
  the claim ran out), and mail handlers send through `send_once`, which records each mail by
  its reason and recipient, so a replay sends nothing that already left.

The broker only ever carries a row's number: a task signed with another key and dropped by
the worker (BadSignature) loses nothing either, the sweep hands the row over again.
"""

import contextlib
import copy
import functools
import hashlib
import hmac
import importlib
import json
import logging
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from email.policy import Compat32, compat32

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

RUNNER = "backoffice.outbox.run"
SWEEP = "backoffice.outbox.sweep"

# Kinds of side effect: what a handler does (health and seed_demo tell them apart).
MAIL = "mail"
INDEX = "index"
DOCUMENT = "document"
TASK = "task"


@dataclass(frozen=True)
class Handler:
    path: str
    func: object
    kind: str
    lease: int | None  # seconds one run may take; None: settings.OUTBOX_LEASE_SECONDS


_handlers: dict[str, Handler] = {}


def path_of(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def register(func, *, kind: str = TASK, lease: int | None = None):
    """Make `func` a handler the worker may run, under its dotted path."""
    path = path_of(func)
    _handlers[path] = Handler(path, func, kind, lease)
    return func


def handler(kind: str = TASK, *, lease: int | None = None):
    """Decorator form of `register`."""

    def decorate(func):
        return register(func, kind=kind, lease=lease)

    return decorate


def handler_for(path: str) -> Handler:
    """The registered handler of a path; its module is imported first if need be (handlers
    register themselves when their module loads). Anything else is refused."""
    if path not in _handlers:
        module = path.rpartition(".")[0]
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    try:
        return _handlers[path]
    except KeyError:
        raise LookupError(f"{path} is not an outbox handler") from None


# --- Adding rows ----------------------------------------------------------------------------

_local = threading.local()


@dataclass
class _Inline:
    skip: frozenset


@contextmanager
def inline(*, skip=()):
    """Run the side effects added inside the block in this process, right after their commit,
    instead of handing them to the worker; the kinds in `skip` (e.g. MAIL) are not added at
    all. For `seed_demo`: demo data is indexed at once and mails nobody, and no task is queued
    that a worker with another SECRET_KEY would have to drop."""
    previous = getattr(_local, "inline", None)
    _local.inline = _Inline(frozenset(skip))
    try:
        yield
    finally:
        _local.inline = previous


class _Dispatch:
    """The on-commit callback of one row; remembers whether it ran, for deduplication."""

    def __init__(
        self, pk: int, in_process: bool, pending: dict | None = None, key=None, queued=False
    ):
        self.pk = pk
        self.in_process = in_process
        self.fired = False
        self.pending, self.key = pending, key
        self.queued = queued  # its task row was written in the transaction (database broker)

    def __call__(self):
        if self.fired:  # registered again by a deduplicated add: the row goes once
            return
        self.fired = True
        if self.pending is not None and self.pending.get(self.key) is self:
            del self.pending[self.key]
        if self.queued or self.pk is None:  # queued already; or never written (`batched`)
            return
        if self.in_process:
            run(self.pk)
        else:
            dispatch(self.pk)


def _pending(connection) -> dict:
    """The effects waiting for the current transaction's commit, by handler and arguments.
    Entries leave when their row is handed over; those of rolled-back transactions are
    dropped outside a transaction, or when many piled up."""
    pending = getattr(connection, "_outbox_pending", None)
    if pending is None or not connection.in_atomic_block:
        pending = connection._outbox_pending = {}
    elif len(pending) > 1000:
        for key, callback in list(pending.items()):
            if not _still_waiting(connection, callback):
                del pending[key]
    return pending


def _still_waiting(connection, callback: _Dispatch) -> bool:
    """True while the callback waits for the commit of the current transaction: not run yet,
    and not discarded by a rollback (of the transaction or of the savepoint that added it)."""
    if callback.fired:
        return False
    return any(waiting is callback for _sids, waiting, _robust in connection.run_on_commit)


def add(func, *args, **kwargs):
    """Write a side effect in the current transaction; it runs after the commit. Returns the
    row, or None when the same effect is already waiting in this transaction (or is skipped)."""
    from backoffice.models import OutboxTask

    path = path_of(func)
    registered = _handlers.get(path)
    if registered is None or registered.func is not func:
        raise LookupError(f"{path} is not an outbox handler")
    mode = getattr(_local, "inline", None)
    if mode is not None and registered.kind in mode.skip:
        return None
    # Stored as JSON: what comes back in the worker is what a JSON round trip gives.
    args, kwargs = json.loads(json.dumps(list(args))), json.loads(json.dumps(kwargs))
    connection = transaction.get_connection()
    pending = _pending(connection)
    key = (path, json.dumps([args, kwargs], sort_keys=True))
    earlier = pending.get(key)
    if earlier is not None and _still_waiting(connection, earlier):
        # The same row serves; its callback is registered once more so that it runs even
        # when only this part of the transaction is the one that commits (a test capturing
        # on-commit callbacks of one block); it hands the row over once either way.
        transaction.on_commit(earlier)
        return None
    due_at = timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)
    batch = getattr(connection, "_outbox_batch", None)
    if batch is not None and mode is None and connection.in_atomic_block:
        # Written with the batch's other rows when its block ends (`batched`).
        row = OutboxTask(handler=path, args=args, kwargs=kwargs, due_at=due_at)
        callback = pending[key] = _Dispatch(None, False, pending, key)
        callback.row = row
        batch.append(callback)
        transaction.on_commit(callback)
        return row
    row = OutboxTask.objects.create(handler=path, args=args, kwargs=kwargs, due_at=due_at)
    in_process = mode is not None
    # With the database broker in this very database, the task's row is written in the
    # change's own transaction: it commits (or rolls back) with the outbox row, and the
    # worker sees it only after the commit. No hand-over transaction of its own after the
    # commit (on SQLite one more wait for the single writer, on PostgreSQL one more commit).
    handed_over = (
        not in_process
        and connection.in_atomic_block
        and _broker_in_transaction(connection)
        and _dispatch_in_transaction(row.pk)
    )
    if connection.in_atomic_block:
        callback = pending[key] = _Dispatch(row.pk, in_process, pending, key, handed_over)
    else:
        callback = _Dispatch(row.pk, in_process)
    transaction.on_commit(callback)
    return row


def _broker_in_transaction(connection) -> bool:
    """True when django-q2's broker is the database of this connection and tasks are queued,
    not run at once (TASKS_SYNC): its task row can then join the current transaction."""
    from django_q.conf import Conf

    return Conf.ORM == connection.alias and not Conf.SYNC


def _dispatch_in_transaction(*pks: int) -> bool:
    """Queue the rows' runs (one task each) inside the current transaction (a savepoint of
    their own: a broker insert that fails leaves the change intact, and the rows are handed
    over after the commit as without this, or by the sweep)."""
    try:
        with transaction.atomic():
            for pk in pks:
                _enqueue(pk)
    except Exception:
        logger.warning("Outbox: could not queue rows %s in their transaction", pks, exc_info=True)
        return False
    return True


@contextmanager
def batched():
    """The rows added inside the block are written together when it ends: one INSERT for all
    of them, and (database broker) their tasks queued under one savepoint, one task per row as
    `add` queues them. For a service whose whole transaction is the block, e.g.

        with transaction.atomic(), outbox.batched():

    (lifecycle.create_question: a new question's index update and mails were two rows, two
    tasks and two savepoints, eight statements in the intake's transaction; now five). Rows of
    a savepoint rolled back inside the block are not written, as with `add`; an exception
    that leaves the block writes nothing (the transaction around it rolls back). Outside a
    transaction, in `inline` mode or inside another batch, the block changes nothing."""
    connection = transaction.get_connection()
    if (
        not connection.in_atomic_block
        or getattr(connection, "_outbox_batch", None) is not None
        or getattr(_local, "inline", None) is not None
    ):
        yield
        return
    batch = connection._outbox_batch = []
    try:
        yield
    except BaseException:
        for callback in batch:  # rolled back with the transaction around the block
            callback.fired = True
        raise
    finally:
        connection._outbox_batch = None
    _write_batch(connection, batch)


def _write_batch(connection, batch) -> None:
    from backoffice.models import OutboxTask

    waiting = [callback for callback in batch if _still_waiting(connection, callback)]
    if not waiting:
        return
    rows = [callback.row for callback in waiting]
    if connection.features.can_return_rows_from_bulk_insert:
        OutboxTask.objects.bulk_create(rows)
    else:
        for row in rows:
            row.save(force_insert=True)
    for callback in waiting:
        callback.pk = callback.row.pk
    if _broker_in_transaction(connection) and _dispatch_in_transaction(
        *[callback.pk for callback in waiting]
    ):
        for callback in waiting:
            callback.queued = True


# --- Handing rows to the worker -------------------------------------------------------------


def dispatch(pk: int) -> bool:
    """Queue the row's run on django-q2. A broker that cannot be reached is logged, not raised:
    the row waits in the database and the sweep hands it over again."""
    try:
        with _broker_transaction():
            _enqueue(pk)
    except Exception:
        logger.warning("Outbox: could not queue row %s; the sweep will", pk, exc_info=True)
        return False
    return True


def _enqueue(pk: int) -> None:
    """The task that runs the row. Its result is not kept by django-q2 (`save=False`): the
    row itself records when it was done and what the handler returned, and keeping it would
    cost every run django-q2's pruning of its result table (all SAVE_LIMIT kept results read,
    and on PostgreSQL locked, once per task). A failed run is still kept by django-q2."""
    from django_q.tasks import async_task

    async_task(RUNNER, pk, group="outbox", save=False)


def _broker_transaction():
    """With the database broker on PostgreSQL, the task's row is committed without waiting
    for the disk (backoffice.db.relax_commit): the outbox row is the durable record, and the
    sweep hands it over again if the task was lost. Elsewhere nothing changes."""
    from django.db import connection

    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or getattr(settings, "Q_CLUSTER", {}).get("orm") is None
        or getattr(settings, "Q_CLUSTER", {}).get("sync")  # the task runs here, at once
    ):
        return nullcontext()
    return _relaxed()


@contextmanager
def _relaxed():
    from backoffice.db import relax_commit

    with transaction.atomic():
        relax_commit()
        yield


def _retry_delay(attempts: int) -> timedelta:
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def _claim(pk: int, now, until):
    """Claim a row that is not done, given up nor held by another run, until `until`, and read
    it, in one statement (an UPDATE that returns the row); None when it could not be claimed."""
    from django.db import connection

    from backoffice.models import OutboxTask

    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(OutboxTask._meta.db_table)
    sql = (
        f"UPDATE {table} SET claimed_until = %s, due_at = %s, attempts = attempts + 1 "  # noqa: S608
        "WHERE id = %s AND done_at IS NULL AND given_up_at IS NULL "
        "AND (claimed_until IS NULL OR claimed_until <= %s) "
        "RETURNING id, handler, args, kwargs, attempts"
    )
    rows = list(OutboxTask.objects.raw(sql, [adapt(until), adapt(until), pk, adapt(now)]))
    return rows[0] if rows else None


def run(pk: int) -> str:
    """Run one row's handler (in the worker): claim it, call the handler, mark it done. A
    failure leaves it for the sweep, later each time."""
    from backoffice.models import OutboxTask

    now = timezone.now()
    row = _claim(pk, now, now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS))
    if row is None:  # not claimed: say why
        state = OutboxTask.objects.filter(pk=pk).values_list("done_at", "given_up_at").first()
        if state is None:
            return "gone"
        return "already done" if any(state) else "busy"
    try:
        registered = handler_for(row.handler)
    except LookupError as error:
        OutboxTask.objects.filter(pk=pk).update(
            given_up_at=now, claimed_until=None, last_error=str(error)[:2000]
        )
        logger.error("Outbox: row %s names no handler: %s", pk, error)
        return "unknown handler"
    if registered.lease and registered.lease != settings.OUTBOX_LEASE_SECONDS:
        until = now + timedelta(seconds=registered.lease)
        OutboxTask.objects.filter(pk=pk).update(claimed_until=until, due_at=until)
    attempts = row.attempts  # counted by the claim
    connection = transaction.get_connection()
    try:
        # Inside an open transaction (tests) a failing handler must not spoil it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            result = registered.func(*row.args, **row.kwargs)
    except Exception as error:
        give_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        log = logger.error if give_up else logger.warning
        log("Outbox: %s%s failed (attempt %d): %s", row.handler, row.args, attempts, error)
        OutboxTask.objects.filter(pk=pk).update(
            claimed_until=None,
            due_at=timezone.now() + _retry_delay(attempts),
            last_error=f"{error.__class__.__name__}: {error}"[:2000],
            given_up_at=timezone.now() if give_up else None,
        )
        return "gave up" if give_up else "failed"
    OutboxTask.objects.filter(pk=pk).update(
        done_at=timezone.now(), claimed_until=None, result=str(result)[:200]
    )
    return "done"


def sweep(limit: int = 500) -> int:
    """Hand over again the rows not done in time (scheduled every minute); forget done rows
    and sent-mail records after OUTBOX_KEEP_DAYS. The sweep runs in the worker, so it is a
    sign of life too (backoffice.tasks.record_heartbeat)."""
    from backoffice.models import OutboxTask, SentMail
    from backoffice.tasks import record_heartbeat

    record_heartbeat()
    now = timezone.now()
    due = list(
        OutboxTask.objects.filter(done_at=None, given_up_at=None, due_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lte=now))
        .order_by("due_at")
        .values_list("pk", "dispatches")[:limit]
    )
    for pk, dispatches in due:
        # Each hand-over waits longer for the next: a long queue is not flooded with copies.
        OutboxTask.objects.filter(pk=pk).update(
            due_at=now + _retry_delay(dispatches + 1), dispatches=F("dispatches") + 1
        )
        dispatch(pk)
    if due:
        logger.info("Outbox: handed %d rows over again", len(due))
    cutoff = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    OutboxTask.objects.filter(Q(done_at__lt=cutoff) | Q(given_up_at__lt=cutoff)).delete()
    SentMail.objects.filter(claimed_at__lt=cutoff).delete()
    return len(due)


def backlog() -> dict:
    """What /health/ reports: rows waiting, the oldest one's age, rows given up lately."""
    from backoffice.models import OutboxTask

    now = timezone.now()
    waiting = OutboxTask.objects.filter(done_at=None, given_up_at=None)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "oldest_age_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "given_up_last_day": OutboxTask.objects.filter(
            given_up_at__gte=now - timedelta(days=1)
        ).count(),
    }


# --- Mail, once -----------------------------------------------------------------------------


class MailBusy(Exception):
    """Another run is sending this very mail right now: try again later."""


def _recipient_digest(address: str) -> str:
    key = hashlib.sha256(b"wegwijs-sent-mail:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()


def already_sent(key: str, address: str) -> bool:
    from backoffice.models import SentMail

    return SentMail.objects.filter(
        key=key, recipient=_recipient_digest(address), sent_at__isnull=False
    ).exists()


def send_once(key: str, message) -> str:
    """Send an EmailMessage with one recipient unless the mail `key` already went to them.

    The mail is recorded (claimed) before it is sent and marked sent after: a replay finds
    it. A claim left by a run that died during the send is taken over after
    OUTBOX_MAIL_CLAIM_SECONDS and the mail sent again, since it most likely never left (the
    process died in the mail server's conversation, not in the instant after it). The
    Message-ID is the same on every try, so a mailbox can still tell a copy. A failed send
    (e.g. SMTP down) removes the claim and raises: the outbox tries again later."""
    from django.db import IntegrityError

    from backoffice.models import SentMail

    (address,) = message.to
    recipient = _recipient_digest(address)
    now = timezone.now()
    try:
        with transaction.atomic():
            row = SentMail.objects.create(key=key, recipient=recipient, claimed_at=now)
    except IntegrityError:
        row = SentMail.objects.get(key=key, recipient=recipient)
        if row.sent_at is not None:
            return "already sent"
        stale = now - timedelta(seconds=settings.OUTBOX_MAIL_CLAIM_SECONDS)
        taken = SentMail.objects.filter(
            pk=row.pk, sent_at=None, claimed_at=row.claimed_at, claimed_at__lte=stale
        ).update(claimed_at=now)
        if not taken:
            raise MailBusy(key) from None
    message.extra_headers.setdefault("Message-ID", _message_id(key, recipient))
    try:
        message.send()
    except Exception:
        SentMail.objects.filter(pk=row.pk, sent_at=None).delete()
        raise
    SentMail.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    return "sent"


def send_each_once(key: str, messages) -> tuple[int, Exception | None]:
    """`send_once` for the mails of one occasion to many people (one recipient each): claimed
    together in one transaction, sent over one connection to the mail server, each marked sent
    as soon as it left. Returns (how many were sent now, the first failure or None); a failed
    mail is unclaimed and left for the next run, the others still go.

    One at a time, each mail was a claim transaction, a connection and a "sent" write: for a
    new question's notice to a region's 23 specialists, 46 waits for SQLite's single writer in
    the worker while intakes come in; the claims are now one. "Sent" stays one write per mail,
    right after it left, so a worker killed while sending sends again at most the one mail in
    flight (as one at a time), not the ones of the batch that had left (a real mail server
    takes a second or more for 23 mails); it is one short statement by the claim's id. A
    recipient already claimed (a replay) goes through `send_once`, which skips a mail that left
    and takes over a claim that ran out."""
    from django.core.mail import get_connection
    from django.db import IntegrityError

    from backoffice.db import relaxed_commits
    from backoffice.models import SentMail

    digest = _recipient_digester()
    messages = {digest(message.to[0]): message for message in messages}
    if not messages:
        return 0, None
    now = timezone.now()
    try:
        with transaction.atomic():
            known = dict(
                SentMail.objects.filter(key=key, recipient__in=list(messages)).values_list(
                    "recipient", "sent_at"
                )
            )
            claims = SentMail.objects.bulk_create(
                [
                    SentMail(key=key, recipient=recipient, claimed_at=now)
                    for recipient in messages
                    if recipient not in known
                ]
            )
    except IntegrityError:  # another run claimed some meanwhile: one at a time, then
        known, claims = dict.fromkeys(messages), []
    sent, failure = 0, None
    for recipient, sent_at in known.items():
        if sent_at is not None:
            continue
        try:
            sent += send_once(key, messages[recipient]) == "sent"
        except Exception as error:
            failure = failure or error
    if not claims:
        return sent, failure
    claimed = [claim.recipient for claim in claims]
    mark = _sent_marker(key, {claim.recipient: claim.pk for claim in claims})
    connection = get_connection()
    done, failed = [], []
    # Each mark commits on its own, at once, without waiting for the disk: a killed worker
    # loses none that returned; a crash of the database server itself may lose the last
    # ones, and those mails are sent again once their claim ran out (relaxed_commits).
    with relaxed_commits():
        try:
            connection.open()
            for recipient in claimed:
                message = messages[recipient]
                message.connection = connection
                message.extra_headers.setdefault("Message-ID", _message_id(key, recipient))
                try:
                    message.send()
                except Exception as error:
                    failed.append(recipient)
                    failure = failure or error
                else:
                    done.append(recipient)
                    mark(recipient)
        except Exception as error:  # the connection could not be opened
            failure = failure or error
            failed = [recipient for recipient in claimed if recipient not in done]
        finally:
            with contextlib.suppress(Exception):
                connection.close()
            if failed:
                SentMail.objects.filter(key=key, recipient__in=failed, sent_at=None).delete()
    return sent + len(done), failure


def _recipient_digester():
    """`_recipient_digest` with its key derived once, for the addresses of one batch."""
    key = hashlib.sha256(b"wegwijs-sent-mail:" + settings.SECRET_KEY.encode()).digest()
    return lambda address: hmac.new(
        key, address.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def _sent_marker(key: str, claim_ids: dict):
    """Marks one claimed mail sent, in a statement (committed at once) by the claim's id when
    the database returned the ids of the claims, else by key and recipient."""
    from django.db import connection

    from backoffice.models import SentMail

    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(SentMail._meta.db_table)} SET {quote('sent_at')} = %s "  # noqa: S608
        f"WHERE {quote('id')} = %s"
    )

    def mark(recipient):
        pk = claim_ids.get(recipient)
        if pk is None:
            SentMail.objects.filter(key=key, recipient=recipient).update(sent_at=timezone.now())
            return
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(timezone.now()), pk])

    return mark


class OneOfMany(EmailMessage):
    """One person's mail of a text that goes to many people, each to one address only (no one
    sees another's address). Its MIME form is built once for all of them (`one_text_each`):
    each copy differs only by its To and Message-ID headers."""

    def __init__(self, shared, address):
        super().__init__(shared.subject, shared.body, shared.from_email, [address])
        self._shared = shared

    def message(self):
        if set(self.extra_headers) - {"Message-ID"} or self.cc or self.bcc or self.reply_to:
            return super().message()  # changed after it was made: built on its own
        return self._shared.message_for(self)


class _FoldedOnce(Compat32):
    """Django's policy (compat32), with the headers that every copy of a text shares (subject,
    sender, date, content type) folded once for all copies; To and Message-ID each time."""

    def fold_binary(self, name, value):
        if not isinstance(value, str) or name.lower() in ("to", "message-id"):
            return super().fold_binary(name, value)
        return _folded(self.linesep, self.max_line_length, self.cte_type, name, value)


@functools.lru_cache(maxsize=256)
def _folded(linesep, max_line_length, cte_type, name, value) -> bytes:
    policy = Compat32(linesep=linesep, max_line_length=max_line_length, cte_type=cte_type)
    return policy.fold_binary(name, value)


class _SharedText:
    def __init__(self, subject, body, from_email):
        self.subject, self.body, self.from_email = subject, body, from_email
        self._template = None

    def message_for(self, message: OneOfMany):
        if self._template is None:
            self._template = EmailMessage.message(message)
            if self._template.policy is compat32:  # Django's, as it is by default
                self._template.policy = _FoldedOnce()
        mime = copy.copy(self._template)
        # Deleting gives the copy a header list of its own (the template's stays as it was);
        # the new values go through the same checks as Django's (no line breaks, encoding).
        del mime["To"]
        del mime["Message-ID"]
        mime["To"] = message.to[0]
        mime["Message-ID"] = message.extra_headers.get("Message-ID") or make_msgid(domain=DNS_NAME)
        return mime


def one_text_each(subject: str, body: str, addresses, from_email=None) -> list[OneOfMany]:
    """The mails of one text (e.g. a new question's notice in one language) to many people,
    one recipient each, for `send_each_once`: the MIME message is built once, not per
    recipient."""
    shared = _SharedText(subject, body, from_email)
    return [OneOfMany(shared, address) for address in addresses]


def _message_id(key: str, recipient: str) -> str:
    return f"<{hashlib.sha256(f'{key}|{recipient}'.encode()).hexdigest()[:40]}@wegwijs>"


# --- The search app's index work ------------------------------------------------------------


def connect_search() -> None:
    """Index updates go through the outbox too. `search` imports no app: the platform registers
    its tasks as handlers and gives its signals this queue (called from BackofficeConfig)."""
    from search import signals, tasks

    register(tasks.index_object, kind=INDEX)
    register(tasks.remove_object, kind=INDEX)
    register(tasks.rebuild_kind, kind=INDEX, lease=settings.Q_CLUSTER["timeout"])

    def queue(task: str, kind: str, object_id) -> None:
        add(getattr(tasks, task), kind, str(object_id))

    signals.use_queue(queue)


def hand_over_again(pks) -> int:
    """Give rows not done (also given-up ones) a fresh start and hand them to the worker now
    (Django admin > Side effects, after the cause of a failure was fixed)."""
    from backoffice.models import OutboxTask

    pks = list(pks)
    OutboxTask.objects.filter(pk__in=pks, done_at=None).update(
        given_up_at=None,
        attempts=0,
        claimed_until=None,
        due_at=timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS),
    )
    for pk in pks:
        transaction.on_commit(lambda pk=pk: dispatch(pk))
    return len(pks)
