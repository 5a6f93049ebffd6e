"""Fixtures for the local Spotify stand-in and signed-in clients.

standin
    A `spotify_auth.standin.StandIn` serving real HTTP on a free 127.0.0.1
    port (one server per test session; its state and faults are reset for
    every test). Settings point at it for the test: SPOTIFY_ACCOUNTS_URL,
    SPOTIFY_API_URL, SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET, and
    SPOTIFY_TIMEOUT = 2 so fault tests stay quick; SPOTIFY_ALLOWED_USERS and
    SPOTIFY_ADMIN_USERS are emptied. Useful parts:
    `standin.faults.set(kind, target="any", times=None, retry_after=1,
    delay=5.0, status=None)`, `standin.faults.clear()`,
    `standin.state.token_requests` / `.api_requests` (Counters),
    `.access_tokens`, `.refresh_tokens`, `.playlists` (dicts),
    `standin.state.sign_in_as(spotify_id, display_name)`, and
    `standin.approve(authorize_url)` / `standin.cancel(authorize_url)`,
    which answer the consent page over HTTP and return the callback URL.

signed_in_client
    A `django.test.Client(enforce_csrf_checks=True)` signed in through the
    real flow (landing, POST start, the stand-in's consent, callback) as
    "demo-listener", the archive's owner (in SPOTIFY_ADMIN_USERS, so staff):
    its database session holds tokens the stand-in issued. The test needs a
    django_db mark. `signed_in_client.csrf_token` holds the CSRF token to
    post with.

guest_client
    The same, signed in as a guest: let in, but not staff.

sign_in(client, standin, next_url="") -> HttpResponse
    The same flow for a client of your own; returns the callback's response.

csrf_post(client, path, data=None) -> HttpResponse
    POST with the CSRF token the client's cookie holds.

http(url, data=None, headers=None, method=None) -> (status, headers, body)
    One raw request to the stand-in (no redirects followed), e.g. to reach
    its control API under /_standin/.

live_standin
    `standin` with SPOTIFY_REDIRECT_URI pointed at the live server's
    callback, for browser tests; request `live_server` as well.

browser_sign_in(page, start_url) -> None
    Open `start_url` (a protected page), press "Connect Spotify" and
    "Allow"; returns once the browser is back on the site.
"""

import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from spotify_auth.standin import StandIn

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(url, data=None, headers=None, method=None):
    """Send one request to the stand-in; return (status, headers, body)."""
    # Only ever the stand-in's own http://127.0.0.1 address.
    request = urllib.request.Request(  # noqa: S310
        url, data=data, headers=headers or {}, method=method
    )
    try:
        with _opener.open(request, timeout=5) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def _decide(standin, authorize_url, decision):
    """Load the consent page, then press Allow or Cancel; return Location."""
    status, _, _ = http(authorize_url)
    assert status == 200, f"the stand-in refused the authorize request: {status}"
    params = dict(parse_qsl(urlsplit(authorize_url).query))
    body = urlencode({**params, "decision": decision}).encode()
    status, headers, _ = http(f"{standin.url}/authorize", data=body)
    assert status == 303, f"consent answered {status}"
    return headers["Location"]


class _TestStandIn(StandIn):
    def approve(self, authorize_url):
        return _decide(self, authorize_url, "allow")

    def cancel(self, authorize_url):
        return _decide(self, authorize_url, "cancel")


@pytest.fixture(scope="session")
def _standin_server():
    server = _TestStandIn(CLIENT_ID, CLIENT_SECRET).start(port=0)
    yield server
    server.stop()


@pytest.fixture
def standin(_standin_server, settings):
    _standin_server.reset()
    settings.SPOTIFY_ACCOUNTS_URL = _standin_server.url
    settings.SPOTIFY_API_URL = _standin_server.api_url
    settings.SPOTIFY_CLIENT_ID = CLIENT_ID
    settings.SPOTIFY_CLIENT_SECRET = CLIENT_SECRET
    settings.SPOTIFY_TIMEOUT = 2
    settings.SPOTIFY_ALLOWED_USERS = []
    settings.SPOTIFY_ADMIN_USERS = []
    yield _standin_server
    _standin_server.reset()


def csrf_post(client, path, data=None):
    if "csrftoken" not in client.cookies:
        client.get(reverse("spotify_auth:landing"))
    token = client.cookies["csrftoken"].value
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": token})


def sign_in(client, standin, next_url=""):
    data = {"next": next_url} if next_url else {}
    started = csrf_post(client, reverse("spotify_auth:start"), data)
    assert started.status_code == 302, started.status_code
    callback = urlsplit(standin.approve(started["Location"]))
    return client.get(f"{callback.path}?{callback.query}")


def _signed_in(standin):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, standin)
    assert response.status_code == 302, response.status_code
    client.csrf_token = client.cookies["csrftoken"].value
    return client


@pytest.fixture
def signed_in_client(standin, settings):
    """Signed in as the archive's owner: the stand-in's listener is staff."""
    settings.SPOTIFY_ADMIN_USERS = [standin.state.listener["id"]]
    return _signed_in(standin)


@pytest.fixture
def guest_client(standin):
    """Signed in as a guest: let in, but not one of SPOTIFY_ADMIN_USERS."""
    return _signed_in(standin)


@pytest.fixture
def live_standin(standin, live_server, settings):
    # The listener signing in through the browser owns the archive.
    settings.SPOTIFY_ADMIN_USERS = [standin.state.listener["id"]]
    settings.SPOTIFY_REDIRECT_URI = f"{live_server.url}/auth/callback/"
    # The live server speaks plain HTTP, so a Secure cookie would not return.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return standin


def browser_sign_in(page, start_url):
    page.goto(start_url)
    page.get_by_role("button", name="Connect Spotify").click()
    page.get_by_role("button", name="Allow").click()
    site = urlsplit(start_url).netloc
    page.wait_for_url(lambda url: urlsplit(url).netloc == site)
