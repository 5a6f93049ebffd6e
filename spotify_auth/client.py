"""Spotify over HTTP: one function per endpoint, each with a timeout.

Every failure surfaces as a `SpotifyError` subclass carrying a sentence a
person can read. POSTs are sent once. GETs are retried after a passing
failure (5xx, timeout, a 429 with a short Retry-After) as long as the whole
call stays within `settings.SPOTIFY_TIMEOUT` seconds, and no single pause
exceeds `MAX_PAUSE` seconds. Nothing here logs a token, code or secret.
"""

import base64
import hashlib
import logging
import math
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

SCOPES = ("user-top-read", "playlist-modify-private", "playlist-modify-public")
TIME_RANGES = ("short_term", "medium_term", "long_term")
MAX_ITEMS_PER_CALL = 100
# Longest pause before a GET is tried again; a request thread never sleeps
# longer than this, whatever Retry-After says.
MAX_PAUSE = 3.0
MAX_GET_ATTEMPTS = 3


class SpotifyError(Exception):
    """Spotify could not do what was asked; `sentence` says so to a person."""

    sentence = "Spotify could not be reached. Try again in a minute."

    def __init__(self, detail="", *, sentence=None):
        super().__init__(detail or self.sentence)
        if sentence:
            self.sentence = sentence


class Revoked(SpotifyError):
    sentence = (
        "Spotify no longer accepts this sign-in. It lapses six months after "
        "you first allowed access, or when access is removed in your Spotify "
        "account. Connect Spotify again to carry on."
    )


class RateLimited(SpotifyError):
    sentence = "Spotify asked for a pause. Try again in a minute."

    def __init__(self, detail="", *, retry_after=1, sentence=None):
        super().__init__(detail, sentence=sentence)
        self.retry_after = retry_after


class QuotaExceeded(SpotifyError):
    sentence = (
        "This app has used up its Spotify quota for now. Try again later, or "
        "ask the app's owner to raise the quota in the Spotify dashboard."
    )


class Forbidden(SpotifyError):
    sentence = (
        "Spotify refused this account. While the Spotify app is in development "
        "mode only accounts added to its user list in the Spotify developer "
        "dashboard may use it."
    )


class Rejected(SpotifyError):
    sentence = "Spotify turned the request down. Try again, or sign in again."


class Unavailable(SpotifyError):
    sentence = "Spotify did not answer properly. Try again in a minute."


# What a person is told for each way Spotify can fail to answer.
TIMED_OUT = "Spotify took too long to answer. Try again in a minute."
UNREACHABLE = (
    "Spotify could not be reached. Check that this server is online, then try again."
)
SERVER_ERROR = (
    "Spotify is having trouble right now (it answered with a server error). "
    "Try again in a few minutes."
)
UNREADABLE = "Spotify sent an answer this app could not read. Try again in a minute."


@dataclass(frozen=True)
class TokenReply:
    access_token: str
    expires_in: int
    refresh_token: str | None
    scope: str

    def __repr__(self):
        # Keep tokens out of tracebacks and debug pages.
        return f"TokenReply(expires_in={self.expires_in}, scope={self.scope!r})"


@dataclass(frozen=True)
class Profile:
    id: str
    display_name: str


@dataclass(frozen=True)
class Playlist:
    id: str
    name: str
    url: str


def code_challenge(verifier):
    """Return the PKCE S256 challenge for `verifier`."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow
def authorize_url(*, state, challenge):
    """Return the address that asks the person for consent on Spotify."""
    query = urlencode(
        {
            "client_id": settings.SPOTIFY_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": settings.SPOTIFY_REDIRECT_URI,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge_method": "S256",
            "code_challenge": challenge,
        }
    )
    return f"{settings.SPOTIFY_ACCOUNTS_URL}/authorize?{query}"


# https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow#request-an-access-token
def exchange_code(code, verifier):
    """Trade an authorization code for tokens; raise SpotifyError."""
    reply = _token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": settings.SPOTIFY_REDIRECT_URI,
            "code_verifier": verifier,
        },
        what="code exchange",
    )
    if reply.refresh_token is None:
        logger.warning("Spotify code exchange answered without a refresh token")
        raise Unavailable("no refresh token in the code exchange reply")
    return reply


# https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens
def refresh(refresh_token):
    """Ask for a new access token; `refresh_token` of the reply may be None."""
    return _token_request(
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        what="token refresh",
    )


# https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile
def me(access_token):
    data = _get("/me", access_token, what="profile")
    profile_id = data.get("id")
    if not isinstance(profile_id, str) or not profile_id:
        logger.warning("Spotify profile reply has no id")
        raise Unavailable("profile without id", sentence=UNREADABLE)
    display_name = data.get("display_name")
    if not isinstance(display_name, str) or not display_name:
        display_name = profile_id
    return Profile(id=profile_id, display_name=display_name)


# https://developer.spotify.com/documentation/web-api/reference/get-users-top-artists-and-tracks
def top_tracks(access_token, time_range, limit=50):
    """Return the person's top tracks as Spotify track objects (dicts)."""
    if time_range not in TIME_RANGES:
        raise ValueError(f"time_range must be one of {TIME_RANGES}")
    data = _get(
        "/me/top/tracks",
        access_token,
        params={"time_range": time_range, "limit": limit},
        what="top tracks",
    )
    items = data.get("items")
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), str) for item in items
    ):
        logger.warning("Spotify top tracks reply has no usable items")
        raise Unavailable("top tracks without items", sentence=UNREADABLE)
    return items


# https://developer.spotify.com/documentation/web-api/reference/create-playlist
def create_playlist(access_token, name, *, public=False, description=""):
    data = _post(
        "/me/playlists",
        access_token,
        {"name": name, "public": public, "description": description},
        what="playlist creation",
    )
    playlist_id = data.get("id")
    if not isinstance(playlist_id, str) or not playlist_id:
        logger.warning("Spotify playlist reply has no id")
        raise Unavailable("playlist without id", sentence=UNREADABLE)
    url = (data.get("external_urls") or {}).get("spotify") or ""
    return Playlist(id=playlist_id, name=data.get("name") or name, url=url)


# https://developer.spotify.com/documentation/web-api/reference/add-tracks-to-playlist
def add_items(access_token, playlist_id, uris):
    """Append up to MAX_ITEMS_PER_CALL track URIs; return the snapshot id."""
    if len(uris) > MAX_ITEMS_PER_CALL:
        raise ValueError(f"at most {MAX_ITEMS_PER_CALL} items per call")
    data = _post(
        f"/playlists/{playlist_id}/items",
        access_token,
        {"uris": list(uris)},
        what="adding playlist items",
    )
    return data.get("snapshot_id") or ""


def _token_request(form, *, what):
    response = _send(
        "POST",
        f"{settings.SPOTIFY_ACCOUNTS_URL}/api/token",
        what=what,
        timeout=settings.SPOTIFY_TIMEOUT,
        data=form,
        auth=(settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET),
    )
    status = response.status_code
    if 400 <= status < 500 and _error_code(response) == "invalid_grant":
        logger.info("Spotify %s: invalid_grant", what)
        raise Revoked(f"{what}: invalid_grant")
    _raise_for_status(response, what)

    data = _json(response, what)
    access_token = data.get("access_token")
    expires_in = data.get("expires_in")
    refresh_token = data.get("refresh_token")
    if (
        not isinstance(access_token, str)
        or not access_token
        or not isinstance(expires_in, int)
        or isinstance(expires_in, bool)
        or expires_in <= 0
        or not isinstance(refresh_token, str | None)
    ):
        logger.warning("Spotify %s reply lacks the expected fields", what)
        raise Unavailable(
            f"{what}: reply without the expected fields", sentence=UNREADABLE
        )
    scope = data.get("scope") if isinstance(data.get("scope"), str) else ""
    return TokenReply(access_token, expires_in, refresh_token or None, scope)


def _get(path, access_token, *, what, params=None):
    deadline = time.monotonic() + settings.SPOTIFY_TIMEOUT
    for attempt in range(1, MAX_GET_ATTEMPTS + 1):
        remaining = deadline - time.monotonic()
        try:
            response = _send(
                "GET",
                f"{settings.SPOTIFY_API_URL}{path}",
                what=what,
                timeout=max(remaining, 0.1),
                params=params,
                headers=_bearer(access_token),
            )
            _raise_for_status(response, what)
            return _json(response, what)
        except (RateLimited, Unavailable) as error:
            pause = getattr(error, "retry_after", 0.25 * 2**attempt)
            too_long = pause > MAX_PAUSE or time.monotonic() + pause >= deadline
            if attempt == MAX_GET_ATTEMPTS or too_long:
                raise
            logger.info("Spotify %s: trying again in %.2f s", what, pause)
            time.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def _post(path, access_token, payload, *, what):
    response = _send(
        "POST",
        f"{settings.SPOTIFY_API_URL}{path}",
        what=what,
        timeout=settings.SPOTIFY_TIMEOUT,
        json=payload,
        headers=_bearer(access_token),
    )
    _raise_for_status(response, what)
    return _json(response, what)


def _bearer(access_token):
    return {"Authorization": f"Bearer {access_token}"}


def _send(method, url, *, what, timeout, **kwargs):
    try:
        return requests.request(
            method, url, timeout=timeout, allow_redirects=False, **kwargs
        )
    except requests.Timeout as error:
        logger.warning("Spotify %s timed out after %.1f s", what, timeout)
        raise Unavailable(f"{what}: timed out", sentence=TIMED_OUT) from error
    except requests.RequestException as error:
        logger.warning("Spotify %s failed: %s", what, type(error).__name__)
        raise Unavailable(
            f"{what}: {type(error).__name__}", sentence=UNREACHABLE
        ) from error


def _raise_for_status(response, what):
    status = response.status_code
    if 200 <= status < 300:
        return
    logger.warning("Spotify %s answered %s", what, status)
    if status == 401:
        raise Revoked(f"{what}: 401")
    if status == 403:
        raise Forbidden(f"{what}: 403")
    if status == 429:
        if _says_quota_exceeded(response):
            raise QuotaExceeded(f"{what}: quota exceeded")
        raise RateLimited(f"{what}: 429", retry_after=_retry_after(response))
    if status >= 500:
        raise Unavailable(f"{what}: {status}", sentence=SERVER_ERROR)
    if status < 200 or 300 <= status < 400:
        raise Unavailable(f"{what}: {status}", sentence=UNREADABLE)
    raise Rejected(f"{what}: {status}")


def _json(response, what):
    content_type = response.headers.get("Content-Type", "")
    try:
        if "json" not in content_type:
            raise ValueError(content_type)
        data = response.json()
    except ValueError as error:
        logger.warning("Spotify %s answered with non-JSON (%s)", what, content_type)
        raise Unavailable(f"{what}: not JSON", sentence=UNREADABLE) from error
    if not isinstance(data, dict):
        logger.warning("Spotify %s answered JSON that is not an object", what)
        raise Unavailable(f"{what}: not a JSON object", sentence=UNREADABLE)
    return data


def _body(response):
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _error_code(response):
    error = _body(response).get("error")
    return error if isinstance(error, str) else ""


def _says_quota_exceeded(response):
    body = _body(response)
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return "QUOTA_EXCEEDED" in (body.get("reason"), error.get("reason"))


def _retry_after(response):
    """Return Spotify's pause in seconds, within an hour; 1 if unreadable."""
    try:
        seconds = float(response.headers.get("Retry-After", "1"))
    except ValueError:
        return 1.0
    if not math.isfinite(seconds):
        return 1.0
    return min(max(seconds, 0.0), 3600.0)
