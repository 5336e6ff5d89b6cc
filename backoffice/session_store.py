"""Django's database sessions, saved without waiting for the disk on PostgreSQL
(backoffice.db.relax_commit): a session lost in a crash of the database server only means
signing in (or opening the question with its code) again.

`rotate_key()` gives a session a new key as `cycle_key()` does (against session fixation), but
written once: the row under the new key and the removal of the old one go in the one
transaction of the next save, where `cycle_key()` writes three times (the new row, the old
row's removal, then the response's save): on SQLite three waits for the single writer on the
intake instead of one."""

from contextlib import contextmanager, nullcontext

from django.contrib.sessions.backends import db
from django.db import connections, router, transaction
from django.utils import timezone

from backoffice.db import relax_commit
from backoffice.db.prepared import Prepared


def _by_key(session_key):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=session_key)


_BY_KEY = Prepared(_by_key, "session_key")


class SessionStore(db.SessionStore):
    _retired_key = None

    def _transaction(self, needed: bool = False):
        """A transaction of its own, relaxed, on PostgreSQL; elsewhere one only when `needed`
        (two writes that go together), else as Django's store."""
        using = router.db_for_write(self.model, instance=None)
        if connections[using].vendor == "postgresql":
            return _relaxed_transaction(using)
        return transaction.atomic(using=using) if needed else nullcontext()

    def _get_session_from_db(self):
        model = self.model
        if model._meta.label != "sessions.Session":  # another model: Django's own query
            return super()._get_session_from_db()
        alias = router.db_for_read(model)
        sql, params = _BY_KEY.sql(alias, session_key=self.session_key)
        found = next(iter(model.objects.using(alias).raw(sql, params)), None)
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found

    def rotate_key(self) -> None:
        """A new key, given at the next save, which also deletes the row of the old one."""
        data = self._session
        if self.session_key is not None:
            self._retired_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True

    def save(self, must_create=False):
        retired, self._retired_key = self._retired_key, None
        with self._transaction(needed=retired is not None):
            saved = super().save(must_create=must_create)
            if retired is not None:
                super().delete(retired)
        return saved

    def delete(self, session_key=None):
        with self._transaction():
            return super().delete(session_key)


@contextmanager
def _relaxed_transaction(using):
    with transaction.atomic(using=using):
        relax_commit(using)
        yield
