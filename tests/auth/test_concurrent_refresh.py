"""Two requests of one session refresh at once: exactly one token request.

Each request runs in its own thread with its own database connection and its
own copy of the session loaded from the database, as two gunicorn workers
would have. The view behind the middleware calls the stand-in's /v1/me with
the access token the request ends up holding, so "both succeed" means both
hold a token Spotify accepts. The stand-in refuses a rotated refresh token,
so a second refresh would fail loudly.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from spotify_auth import client, tokens
from spotify_auth.middleware import TokenRefreshMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


def view(request):
    profile = client.me(tokens.access_token(request))
    return HttpResponse(profile.id)


def concurrent_requests(session_key, count=2):
    """Send `count` requests of one session through the middleware at once."""
    user = get_user_model().objects.get()
    barrier = threading.Barrier(count)
    results = [None] * count

    def one_request(index):
        try:
            request = RequestFactory().get("/")
            request.user = user
            request.session = SessionStore(session_key=session_key)
            request.session.load()
            request._messages = FallbackStorage(request)
            middleware = TokenRefreshMiddleware(view)
            barrier.wait(timeout=5)
            response = middleware.process_view(request, view, (), {})
            response = response or middleware(request)
            results[index] = (response.status_code, response.content.decode())
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            results[index] = ("raised", repr(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=one_request, args=(index,)) for index in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def due_session(signed_in_client, standin):
    session = signed_in_client.session
    session[tokens.SESSION_KEY]["expires_at"] = time.time() + 30
    session.save()
    # Keep the refresh in flight long enough for the other request to arrive.
    standin.faults.set("slow", "token", delay=0.5)
    return session.session_key


def test_two_requests_at_once_refresh_once_and_both_succeed(due_session, standin):
    results = concurrent_requests(due_session)

    assert results == [(200, "demo-listener"), (200, "demo-listener")]
    assert standin.state.token_requests["refresh_token"] == 1
    stored = SessionStore(session_key=due_session).load()[tokens.SESSION_KEY]
    assert stored["generation"] == 1
    assert stored["refresh_token"] in standin.state.refresh_tokens
    assert not standin.state.refresh_tokens[stored["refresh_token"]]["rotated"]


def test_four_requests_at_once_still_refresh_once(due_session, standin):
    results = concurrent_requests(due_session, count=4)

    assert results == [(200, "demo-listener")] * 4
    assert standin.state.token_requests["refresh_token"] == 1


def test_without_the_lock_the_second_request_spends_a_rotated_token(
    due_session, standin, monkeypatch
):
    # The control case: it shows the test above would catch a missing lock.
    monkeypatch.setattr(tokens, "_acquire", lambda key, holder: True)

    results = concurrent_requests(due_session)

    assert standin.state.token_requests["refresh_token"] == 2
    assert (302, "") in results, results
