"""The token middleware: refresh before expiry, and what happens when it fails."""

import time

import pytest
from django.contrib.sessions.models import Session

from spotify_auth import client, tokens

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


def stored_tokens(client):
    key = client.cookies["sessionid"].value
    session = Session.objects.filter(session_key=key).first()
    return session and session.get_decoded().get(tokens.SESSION_KEY)


def expire_soon(client, seconds=60):
    """Move the session's token expiry to `seconds` from now."""
    session = client.session
    session[tokens.SESSION_KEY]["expires_at"] = time.time() + seconds
    session.save()
    return dict(session[tokens.SESSION_KEY])


def test_tokens_that_are_not_due_are_left_alone(signed_in_client, standin):
    before = stored_tokens(signed_in_client)

    signed_in_client.get("/auth/")
    signed_in_client.get("/admin/")

    assert stored_tokens(signed_in_client) == before
    assert standin.state.token_requests["refresh_token"] == 0


def test_tokens_are_refreshed_shortly_before_expiry(
    signed_in_client, standin, hand_archive
):
    old = expire_soon(signed_in_client, tokens.REFRESH_MARGIN - 10)

    response = signed_in_client.get("/")

    new = stored_tokens(signed_in_client)
    assert response.status_code == 200
    assert standin.state.token_requests["refresh_token"] == 1
    assert new["access_token"] != old["access_token"]
    assert new["access_token"] in standin.state.access_tokens
    assert new["refresh_token"] != old["refresh_token"]
    assert new["generation"] == old["generation"] + 1
    assert new["expires_at"] == pytest.approx(time.time() + 3600, abs=5)


def test_the_old_refresh_token_is_kept_when_the_reply_has_none(
    signed_in_client, standin, hand_archive
):
    standin.state.rotate_refresh_tokens = False
    old = expire_soon(signed_in_client)

    signed_in_client.get("/")

    new = stored_tokens(signed_in_client)
    assert new["refresh_token"] == old["refresh_token"]
    assert new["access_token"] != old["access_token"]


def test_a_withdrawn_grant_signs_out_with_a_sentence_and_no_retry(
    signed_in_client, standin, hand_archive
):
    expire_soon(signed_in_client)
    standin.faults.set("revoked", "token")

    response = signed_in_client.get("/?range=6m")

    assert response.status_code == 302
    assert response["Location"] == "/auth/?next=/%3Frange%3D6m"
    assert standin.state.token_requests["refresh_token"] == 1
    assert stored_tokens(signed_in_client) is None
    assert "_auth_user_id" not in signed_in_client.session
    landing = signed_in_client.get(response["Location"]).content.decode()
    assert "no longer accepts this sign-in" in landing
    assert "Connect Spotify" in landing


def test_a_withdrawn_grant_on_a_post_goes_to_the_landing_page(
    signed_in_client, standin, hand_archive
):
    expire_soon(signed_in_client)
    standin.faults.set("revoked", "token")

    response = signed_in_client.post(
        "/", {"csrfmiddlewaretoken": signed_in_client.csrf_token}
    )

    assert response.status_code == 302 and response["Location"] == "/auth/"
    assert standin.state.token_requests["refresh_token"] == 1


@pytest.mark.parametrize(
    ("kind", "options"),
    [("server_error", {"status": 500}), ("server_error", {}), ("slow", {"delay": 2})],
)
def test_a_spotify_outage_keeps_the_tokens_and_archive_pages_render(
    signed_in_client, standin, hand_archive, settings, kind, options
):
    settings.SPOTIFY_TIMEOUT = 1
    old = expire_soon(signed_in_client)
    standin.faults.set(kind, "token", **options)

    response = signed_in_client.get("/")

    kept = stored_tokens(signed_in_client)
    assert response.status_code == 200
    assert "Tracks tracked" in response.content.decode()
    assert kept["access_token"] == old["access_token"]
    assert kept["refresh_token"] == old["refresh_token"]
    assert response.wsgi_request.spotify_problem
    assert "_auth_user_id" in signed_in_client.session


def test_after_an_outage_pages_do_not_each_wait_for_spotify(
    signed_in_client, standin, hand_archive
):
    expire_soon(signed_in_client)
    standin.faults.set("server_error", "token")

    for _ in range(3):
        assert signed_in_client.get("/").status_code == 200

    assert standin.state.token_requests["refresh_token"] == 1


def test_a_refresh_is_tried_again_once_the_pause_is_over(
    signed_in_client, standin, hand_archive, monkeypatch
):
    expire_soon(signed_in_client)
    standin.faults.set("server_error", "token", times=1)
    signed_in_client.get("/")
    later = time.time() + tokens.RETRY_PAUSE + 1
    monkeypatch.setattr(tokens.time, "time", lambda: later)

    signed_in_client.get("/")

    assert standin.state.token_requests["refresh_token"] == 2
    assert stored_tokens(signed_in_client)["generation"] == 1


def test_sign_in_pages_do_not_refresh(signed_in_client, standin):
    expire_soon(signed_in_client)

    signed_in_client.get("/auth/")

    assert standin.state.token_requests["refresh_token"] == 0


def test_a_view_gets_a_live_access_token(rf, signed_in_client, standin):
    expire_soon(signed_in_client, 10)
    request = rf.get("/")
    request.session = signed_in_client.session

    access_token = tokens.access_token(request)

    assert standin.state.user_for(access_token)["user"]["id"] == "demo-listener"
    assert standin.state.token_requests["refresh_token"] == 1


def test_a_view_keeps_a_live_token_while_spotify_cannot_refresh(
    rf, signed_in_client, standin
):
    old = expire_soon(signed_in_client, 60)
    standin.faults.set("server_error", "token")
    request = rf.get("/")
    request.session = signed_in_client.session

    assert tokens.access_token(request) == old["access_token"]


def test_a_view_hears_when_an_expired_token_cannot_be_refreshed(
    rf, signed_in_client, standin
):
    expire_soon(signed_in_client, -1)
    standin.faults.set("server_error", "token")
    request = rf.get("/")
    request.session = signed_in_client.session

    with pytest.raises(client.Unavailable):
        tokens.access_token(request)


def test_a_view_without_tokens_hears_it_is_not_connected(rf, standin):
    request = rf.get("/")
    request.session = {}

    with pytest.raises(client.Revoked):
        tokens.access_token(request)
