"""Spotify tokens in the server-side session, refreshed by one request at a time.

The tokens live in the database session under `SESSION_KEY`; the browser
holds only the session id.

Spotify rotates refresh tokens and refuses a rotated one with
`invalid_grant`, so two requests of one session must never both spend the
same refresh token. The guard is a `RefreshLock` row in the default
database: a request takes it with a single INSERT that ignores conflicts and
then checks whose row it is. That is one atomic statement in SQLite and
PostgreSQL alike (SQLite ignores select_for_update), and it excludes other
threads, gunicorn workers and hosts, which an in-process lock cannot. Whoever
holds the row re-reads the session from the database before calling Spotify,
so a request that waited finds the tokens another one just saved and uses
them instead of refreshing again. A row left by a crashed worker is taken
over once it is older than `_stale_after()`.

A request saves its whole copy of the session when it ends, so one that
loaded the tokens before another request changed them would write its stale
copy back; `reconcile` corrects that copy first. Each sign-in gets a random
`lineage` that its refreshes keep: stored tokens of the same lineage and a
higher generation are newer, while stored tokens of another lineage are
older ones that Django's `login()` copied along when it cycled the session
key, not a newer sign-in. `clear` leaves the lineage it cleared under
`CLEARED_KEY`, so a stale copy of those tokens is dropped rather than saved
back over a disconnect. A sign-out deletes the session row, and Django
refuses to save a session whose row is gone, so that needs nothing here.
"""

import logging
import secrets
import time
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, OperationalError
from django.utils import timezone

from . import client
from .models import RefreshLock

logger = logging.getLogger(__name__)

SESSION_KEY = "spotify_tokens"
CLEARED_KEY = "spotify_tokens_cleared"
# Refresh this many seconds before the access token expires, so a page that
# calls Spotify a little later still holds a live token.
REFRESH_MARGIN = 300
# After a refresh failed for want of Spotify, wait this long before the next
# attempt, so pages do not each wait for a timeout while Spotify is down.
RETRY_PAUSE = 30
_POLL = 0.05


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float
    scope: str = ""
    generation: int = 0
    retry_at: float = 0.0
    # Empty for tokens stored before lineages existed.
    lineage: str = ""

    def __repr__(self):
        return f"Tokens(generation={self.generation}, expires_at={self.expires_at})"

    def due(self, now=None):
        return (now or time.time()) >= self.expires_at - REFRESH_MARGIN

    def expired(self, now=None):
        return (now or time.time()) >= self.expires_at

    @classmethod
    def from_reply(cls, reply, previous=None):
        """Return tokens from a token reply, keeping the old refresh token if
        the reply brought none."""
        refresh_token = reply.refresh_token or (previous and previous.refresh_token)
        if not refresh_token:
            raise client.Unavailable("no refresh token to keep")
        return cls(
            access_token=reply.access_token,
            refresh_token=refresh_token,
            expires_at=time.time() + reply.expires_in,
            scope=reply.scope or (previous.scope if previous else ""),
            generation=previous.generation + 1 if previous else 0,
            lineage=previous.lineage if previous else secrets.token_hex(8),
        )


def get(session):
    return _parse(session.get(SESSION_KEY))


def put(session, tokens):
    session[SESSION_KEY] = asdict(tokens)
    session.pop(CLEARED_KEY, None)


def clear(session):
    """Drop the tokens, and mark their lineage as cleared so that a request
    which loaded them earlier does not save them back."""
    current = get(session)
    session.pop(SESSION_KEY, None)
    if current is not None:
        session[CLEARED_KEY] = current.lineage


def connected(request):
    """Return whether the person is signed in and the session holds tokens."""
    return request.user.is_authenticated and get(request.session) is not None


def access_token(request):
    """Return a live access token, refreshing it first if it is due.

    Raise `client.Revoked` when the person holds no tokens or Spotify
    withdrew them, and `client.Unavailable` when the token has expired and
    Spotify cannot renew it now.
    """
    current = get(request.session)
    if current is None:
        raise client.Revoked("no Spotify tokens in this session")
    if not current.due():
        return current.access_token
    try:
        return refresh(request).access_token
    except client.Revoked:
        raise
    except client.SpotifyError:
        if current.expired():
            raise
        return current.access_token


def refresh(request):
    """Renew the session's tokens, once across all concurrent requests.

    Save the result to the database straight away, so a request waiting for
    the lock finds it there. Raise `client.Revoked` after clearing the
    tokens, or another `client.SpotifyError` keeping them.
    """
    session = request.session
    key = session.session_key
    if not key:
        raise client.Revoked("session has no key")
    holder = secrets.token_hex(16)
    if not _acquire(key, holder):
        logger.warning("Gave up waiting for another refresh of the same session")
        raise client.Unavailable("another refresh of this session is slow")
    try:
        return _refresh_holding_lock(session, key)
    finally:
        _release(key, holder)


def reconcile(session):
    """Bring this request's tokens up to date with what other requests saved
    meanwhile, before the whole session copy it loaded is saved over theirs.

    Drop tokens another request cleared, and take newer tokens of the same
    sign-in that another request refreshed.
    """
    mine = get(session) if session.modified else None
    if mine is None or not session.session_key:
        return
    try:
        data = _load(session, session.session_key)
    except DatabaseError:
        return
    if data.get(CLEARED_KEY) == mine.lineage:
        clear(session)
        return
    stored = _parse(data.get(SESSION_KEY))
    if (
        stored is not None
        and stored.lineage == mine.lineage
        and stored.generation > mine.generation
    ):
        put(session, stored)


def _refresh_holding_lock(session, key):
    now = time.time()
    latest = _stored(session, key)
    if latest is None:
        clear(session)
        raise client.Revoked("the session was signed out meanwhile")
    if not latest.due(now):
        put(session, latest)
        return latest
    if latest.retry_at > now:
        put(session, latest)
        raise client.Unavailable("a refresh failed moments ago")

    try:
        reply = client.refresh(latest.refresh_token)
    except client.Revoked:
        clear(session)
        _save(session)
        raise
    except client.SpotifyError:
        put(session, replace(latest, retry_at=now + RETRY_PAUSE))
        _save(session)
        raise

    renewed = Tokens.from_reply(reply, previous=latest)
    put(session, renewed)
    _save(session)
    logger.info("Refreshed Spotify tokens (generation %s)", renewed.generation)
    return renewed


def _save(session):
    try:
        _patiently(session.save)
    except UpdateError as error:
        # The session row vanished: another request signed the person out.
        raise client.Revoked("the session was signed out meanwhile") from error


def _load(session, key):
    return _patiently(type(session)(session_key=key).load)


def _stored(session, key):
    return _parse(_load(session, key).get(SESSION_KEY))


def _patiently(operation, attempts=20):
    # SQLite refuses a statement outright ("locked") while another
    # connection writes; a short wait is all it takes.
    for attempt in range(attempts):
        try:
            return operation()
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(_POLL)


def _parse(data):
    if not isinstance(data, dict):
        return None
    try:
        return Tokens(**data)
    except TypeError:
        return None


def _wait_limit():
    return settings.SPOTIFY_TIMEOUT + 2


def _stale_after():
    # Longer than any holder can legitimately need: one token call.
    return timedelta(seconds=settings.SPOTIFY_TIMEOUT * 2 + 5)


def _acquire(key, holder):
    deadline = time.monotonic() + _wait_limit()
    while True:
        now = timezone.now()
        try:
            RefreshLock.objects.filter(
                session_key=key, taken_at__lt=now - _stale_after()
            ).delete()
            RefreshLock.objects.bulk_create(
                [RefreshLock(session_key=key, holder=holder, taken_at=now)],
                ignore_conflicts=True,
            )
            if RefreshLock.objects.filter(session_key=key, holder=holder).exists():
                return True
        except DatabaseError as error:
            # SQLite answers "locked" under write contention; try again.
            logger.info("Refresh lock busy: %s", type(error).__name__)
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)


def _release(key, holder):
    for _attempt in range(20):
        try:
            RefreshLock.objects.filter(session_key=key, holder=holder).delete()
            return
        except DatabaseError:
            time.sleep(_POLL)
    logger.warning("Could not release a refresh lock; it lapses by itself")
