"""Django's database sessions (SESSION_ENGINE), with fewer round trips on the login path.

Sessions stay rows in the database, so logout and the session limits end them on the
server and every server process sees the same ones. Three habits of Django's store cost
queries they need not:
- a new key is looked up before the INSERT that would refuse it anyway;
- the key rotation (at the password step and at login, G6) inserts a copy of the row
  under a new key, then reads and deletes the original, and stores a session that had no
  key yet only to update it at the end of the request;
- each write is wrapped in a transaction even when no transaction is open, which costs a
  BEGIN and a COMMIT around one statement that is atomic on its own. Django's wrapper is
  a savepoint that keeps a refused write from breaking a caller's transaction, so inside
  one it is kept.
Here the INSERT alone guards a new key, and the rotation renames the row in one UPDATE:
the key from before the login stops working in that statement. A session without a key
has nothing to rotate; its first save draws a fresh key. A logged-in session that
rotates its key renames its row in the index of the user's sessions too (G3).
"""

from __future__ import annotations

from contextlib import nullcontext

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils.crypto import get_random_string

from accounts.services.sessions import session_is_authenticated, user_session_renamed

SESSION_KEY_LENGTH = 32


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        """A fresh random key, unchecked: `create` saves with must_create, whose INSERT
        refuses a key in use, and then draws another."""
        return get_random_string(SESSION_KEY_LENGTH, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            self.create()
            return
        obj = self.create_model_instance(self._get_session(no_load=must_create))
        using = router.db_for_write(self.model, instance=obj)
        try:
            with _guarding_callers_transaction(using):
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:
                raise UpdateError from error
            raise

    def cycle_key(self) -> None:
        """Give the stored session a new key, keeping its data. A session without a key
        (never stored, or its cookie named no stored session) has none to rotate: its
        first save draws a fresh one. A session gone meanwhile (logged out elsewhere), or
        a new key already in use, is rotated as Django does."""
        data = self._session
        old_key = self.session_key
        if old_key is None:
            self.modified = True
            return
        new_key = self._get_new_session_key()
        if not self._renamed(old_key, new_key):
            super().cycle_key()
        else:
            self._session_key = new_key
            self._session_cache = data
            self.modified = True
        if old_key is not None and session_is_authenticated(data):
            # A logged-in session keeps its place in the index of the user's sessions (G3).
            user_session_renamed(old_key=old_key, new_key=self.session_key)

    def _renamed(self, old_key: str, new_key: str) -> bool:
        using = router.db_for_write(self.model)
        try:
            with _guarding_callers_transaction(using):
                return bool(
                    self.model.objects.using(using)
                    .filter(session_key=old_key)
                    .update(session_key=new_key)
                )
        except IntegrityError:
            return False


def _guarding_callers_transaction(using: str):
    """A savepoint inside a caller's transaction, so that a refused write leaves it
    usable; nothing outside one, where the statement is its own transaction."""
    if transaction.get_connection(using).in_atomic_block:
        return transaction.atomic(using=using)
    return nullcontext()
