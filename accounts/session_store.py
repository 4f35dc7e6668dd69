"""Django's database sessions (SESSION_ENGINE), with fewer round trips on the login path.

Sessions stay rows in the database, so logout and the session limits end them on the
server and every server process sees the same ones. Two steps of Django's store cost a
query they need not: a new key is looked up before the INSERT that would refuse it anyway,
and the key rotation at login inserts a copy of the row under a new key, then reads and
deletes the original. Here the INSERT alone guards a new key, and the rotation renames
the row in one UPDATE: the key from before the login stops working in that statement.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, router, transaction
from django.utils.crypto import get_random_string

SESSION_KEY_LENGTH = 32


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        """A fresh random key, unchecked: `create` saves with must_create, whose INSERT
        refuses a key in use, and then draws another."""
        return get_random_string(SESSION_KEY_LENGTH, VALID_KEY_CHARS)

    def cycle_key(self) -> None:
        """Give the stored session a new key, keeping its data. A session not stored yet,
        or gone meanwhile (logged out elsewhere), or a new key already in use, is rotated
        as Django does."""
        old_key = self.session_key
        data = self._session
        new_key = self._get_new_session_key()
        if old_key is None or not self._renamed(old_key, new_key):
            super().cycle_key()
            return
        self._session_key = new_key
        self._session_cache = data
        self.modified = True

    def _renamed(self, old_key: str, new_key: str) -> bool:
        using = router.db_for_write(self.model)
        try:
            with transaction.atomic(using=using):
                return bool(
                    self.model.objects.using(using)
                    .filter(session_key=old_key)
                    .update(session_key=new_key)
                )
        except IntegrityError:
            return False
