"""Django's database sessions, saved without waiting for the disk on PostgreSQL
(backoffice.db.relax_commit): a session lost in a crash of the database server only means
signing in (or opening the question with its code) again."""

from django.contrib.sessions.backends import db
from django.db import router, transaction

from backoffice.db import relax_commit


class SessionStore(db.SessionStore):
    def _using(self):
        return router.db_for_write(self.model, instance=None)

    def save(self, must_create=False):
        using = self._using()
        with transaction.atomic(using=using):
            relax_commit(using)
            return super().save(must_create=must_create)

    def delete(self, session_key=None):
        using = self._using()
        with transaction.atomic(using=using):
            relax_commit(using)
            return super().delete(session_key)
