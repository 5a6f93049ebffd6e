"""Requests of one session that overlap: a stale copy must not undo a change.

Each request loads its own copy of the database session and, if it changed
anything, saves the whole copy when it ends. These tests hold one request
open in a thread, with its own Django test client and database connection,
while another request of the same session disconnects Spotify, signs out or
refreshes, and then check what the database holds. A sign-in again in the
same browser is checked too: it must keep the tokens it just received.
"""

import threading
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connections
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from spotify_auth import tokens
from tests.fixtures_spotify import csrf_post, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class Gate:
    """Lets a test hold the slow view open until it has done its own part."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()


gate = Gate()


def slow_view(request):
    # Like the Create-playlist action: it changes the session (a one-time
    # form token), then waits seconds for Spotify before the session is saved.
    request.session["race_note"] = "written by the slow request"
    gate.entered.set()
    gate.release.wait(timeout=10)
    return HttpResponse("done")


def quiet_view(request):
    return HttpResponse("done")


urlpatterns = [
    path("race/slow/", slow_view),
    path("race/quiet/", quiet_view),
    path("", include("mtm_site.urls")),
]


@pytest.fixture
def race_site(settings):
    settings.ROOT_URLCONF = __name__
    gate.entered.clear()
    gate.release.clear()
    yield gate
    gate.release.set()


def in_background(session_key, url):
    """GET `url` with the session's cookie from another thread; return the
    thread and a list its response (or exception) lands in."""
    outcome = []

    def run():
        try:
            browser = Client()
            browser.cookies["sessionid"] = session_key
            outcome.append(browser.get(url))
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def stored(session_key):
    return SessionStore(session_key=session_key).load()


def session_key(client):
    return client.cookies["sessionid"].value


def expire_soon(client, seconds=60):
    session = client.session
    session[tokens.SESSION_KEY]["expires_at"] = time.time() + seconds
    session.save()


def test_a_slow_request_does_not_bring_back_tokens_disconnected_meanwhile(
    signed_in_client, race_site
):
    key = session_key(signed_in_client)
    thread, outcome = in_background(key, "/race/slow/")
    assert race_site.entered.wait(timeout=10)

    disconnected = csrf_post(signed_in_client, reverse("dashboard:disconnect"))
    race_site.release.set()
    thread.join(timeout=15)

    assert disconnected.status_code == 302
    assert outcome[0].status_code == 200, outcome
    data = stored(key)
    # The slow request's own change was saved, but not its copy of the tokens.
    assert data["race_note"] == "written by the slow request"
    assert tokens.SESSION_KEY not in data
    assert "_auth_user_id" in data
    assert "Connect Spotify" in signed_in_client.get("/auth/").content.decode()


def test_a_slow_request_does_not_bring_back_a_session_signed_out_meanwhile(
    signed_in_client, race_site
):
    key = session_key(signed_in_client)
    thread, outcome = in_background(key, "/race/slow/")
    assert race_site.entered.wait(timeout=10)

    signed_out = csrf_post(signed_in_client, reverse("spotify_auth:logout"))
    race_site.release.set()
    thread.join(timeout=15)

    assert signed_out.status_code == 302
    # Django refuses to save a session whose row was deleted meanwhile
    # (SessionInterrupted) rather than creating it again.
    assert outcome[0].status_code == 400, outcome
    assert stored(key) == {}
    assert not any(
        tokens.SESSION_KEY in row.get_decoded() for row in Session.objects.all()
    )


def test_a_slow_request_keeps_the_tokens_refreshed_meanwhile(
    signed_in_client, standin, race_site
):
    key = session_key(signed_in_client)
    thread, outcome = in_background(key, "/race/slow/")
    assert race_site.entered.wait(timeout=10)

    expire_soon(signed_in_client)
    assert signed_in_client.get("/race/quiet/").status_code == 200
    refreshed = stored(key)[tokens.SESSION_KEY]
    race_site.release.set()
    thread.join(timeout=15)

    assert outcome[0].status_code == 200, outcome
    assert refreshed["generation"] == 1
    assert stored(key)[tokens.SESSION_KEY] == refreshed
    assert not standin.state.refresh_tokens[refreshed["refresh_token"]]["rotated"]


def test_signing_in_again_after_a_refresh_keeps_the_new_tokens(
    signed_in_client, standin, race_site
):
    expire_soon(signed_in_client)
    signed_in_client.get("/race/quiet/")
    refreshed = stored(session_key(signed_in_client))[tokens.SESSION_KEY]
    assert refreshed["generation"] == 1

    assert sign_in(signed_in_client, standin).status_code == 302
    signed_in_client.get("/race/quiet/")

    kept = stored(session_key(signed_in_client))[tokens.SESSION_KEY]
    newest = list(standin.state.access_tokens)[-1]
    assert kept["access_token"] == newest != refreshed["access_token"]
    assert kept["generation"] == 0
    assert not standin.state.refresh_tokens[kept["refresh_token"]]["rotated"]
