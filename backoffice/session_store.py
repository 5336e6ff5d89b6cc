"""Django's database sessions, saved without waiting for the disk on PostgreSQL
(backoffice.db.relax_commit): a session lost in a crash of the database server only means
signing in (or opening the question with its code) again."""

from contextlib import contextmanager, nullcontext

from django.contrib.sessions.backends import db
from django.db import connections, router, transaction

from backoffice.db import relax_commit


class SessionStore(db.SessionStore):
    def _relaxed(self):
        """A transaction of its own, relaxed, on PostgreSQL; as Django's store elsewhere."""
        using = router.db_for_write(self.model, instance=None)
        if connections[using].vendor != "postgresql":
            return nullcontext()
        return _relaxed_transaction(using)

    def save(self, must_create=False):
        with self._relaxed():
            return super().save(must_create=must_create)

    def delete(self, session_key=None):
        with self._relaxed():
            return super().delete(session_key)


@contextmanager
def _relaxed_transaction(using):
    with transaction.atomic(using=using):
        relax_commit(using)
        yield
