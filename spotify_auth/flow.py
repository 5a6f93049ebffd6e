"""The pending sign-ins of a session: one-time state and a PKCE verifier each.

Both stay in the server-side session; only the state and the verifier's
S256 challenge travel through the browser.
"""

import secrets
import time
from dataclasses import dataclass

from . import client

SESSION_KEY = "spotify_sign_ins"
# Seconds a sign-in may take from "Connect Spotify" to the callback.
STATE_LIFETIME = 600
# Sign-ins a session may have pending at once (a few tabs); older ones go.
MAX_PENDING = 5


class Refused(Exception):
    """The callback cannot be trusted; `sentence` says why to a person."""

    def __init__(self, sentence):
        super().__init__(sentence)
        self.sentence = sentence


@dataclass(frozen=True)
class Pending:
    verifier: str
    next_url: str
    started_at: float


def begin(session, next_url=""):
    """Record a new sign-in in `session`; return the consent page address."""
    # 256 random bits for the state; 64 bytes make an 86-character verifier,
    # within PKCE's 43 to 128.
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    pending = _pending(session)
    pending[state] = {
        "verifier": verifier,
        "next_url": next_url,
        "started_at": time.time(),
    }
    newest = sorted(pending.items(), key=lambda item: item[1]["started_at"])
    session[SESSION_KEY] = dict(newest[-MAX_PENDING:])
    return client.authorize_url(state=state, challenge=client.code_challenge(verifier))


def finish(session, states):
    """Take the sign-in named by the callback's `state` values out of `session`.

    The state is removed and the session saved before anything else, so it
    can never be used twice. Raise `Refused` for a missing, repeated,
    unknown, used or expired state.
    """
    if not states or not states[0]:
        raise Refused(
            "Spotify's reply did not say which sign-in it belongs to, so it "
            "was ignored. Start again from Connect Spotify."
        )
    if len(states) > 1:
        raise Refused(
            "Spotify's reply named more than one sign-in, so it was ignored. "
            "Start again from Connect Spotify."
        )

    pending = _pending(session)
    found = pending.pop(states[0], None)
    if found is not None:
        session[SESSION_KEY] = pending
        session.save()
    if not isinstance(found, dict):
        raise Refused(
            "This sign-in reply was already used or was not started in this "
            "browser, so it was ignored. Start again from Connect Spotify."
        )
    if time.time() - found.get("started_at", 0) > STATE_LIFETIME:
        raise Refused(
            "This sign-in took longer than ten minutes and has lapsed. Start "
            "again from Connect Spotify."
        )
    return Pending(found["verifier"], found.get("next_url", ""), found["started_at"])


def _pending(session):
    pending = session.get(SESSION_KEY)
    return dict(pending) if isinstance(pending, dict) else {}
