"""The stand-in itself: consent page, PKCE and client checks, control API,
and how runserver starts it."""

import base64
import json
import logging
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from spotify_auth import client as spotify
from spotify_auth.standin import runserver
from tests.fixtures_spotify import CLIENT_ID, CLIENT_SECRET, http, sign_in


def authorize_query(standin, **changes):
    verifier = secrets.token_urlsafe(64)
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:8000/auth/callback/",
        "scope": " ".join(spotify.SCOPES),
        "state": "s" * 43,
        "code_challenge_method": "S256",
        "code_challenge": spotify.code_challenge(verifier),
        **changes,
    }
    return f"{standin.url}/authorize?{urlencode(query)}", verifier


def redeem(standin, code, verifier, auth=(CLIENT_ID, CLIENT_SECRET)):
    basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1:8000/auth/callback/",
        "code_verifier": verifier,
    }
    status, _, body = http(
        f"{standin.url}/api/token",
        data=urlencode(form).encode(),
        headers={"Authorization": f"Basic {basic}"},
    )
    return status, json.loads(body)


def approved_code(standin):
    url, verifier = authorize_query(standin)
    callback = standin.approve(url)
    return parse_qs(urlsplit(callback).query)["code"][0], verifier


def test_the_consent_page_has_allow_and_cancel_under_a_strict_policy(standin):
    standin.state.sign_in_as("x", '<b>"Quoted"</b>')
    url, _ = authorize_query(standin, state='"><script>alert(1)</script>')

    status, headers, body = http(url)

    page = body.decode()
    assert status == 200
    assert 'value="allow"' in page and 'value="cancel"' in page
    assert "<script>" not in page and "<b>" not in page
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "form-action 'self' http://127.0.0.1:8000" in policy


def test_the_favicon_asked_for_by_browsers_is_no_content(standin):
    status, _, body = http(f"{standin.url}/favicon.ico")

    assert (status, body) == (204, b"")


@pytest.mark.parametrize(
    "redirect_uri",
    ["http://localhost:8000/auth/callback/", "http://music.example/callback/"],
)
def test_the_consent_page_refuses_redirects_spotify_refuses(standin, redirect_uri):
    url, _ = authorize_query(standin, redirect_uri=redirect_uri)

    status, _, body = http(url)

    assert status == 400 and b"Invalid redirect URI" in body


def test_the_consent_page_insists_on_s256(standin):
    url, _ = authorize_query(standin, code_challenge_method="plain")

    status, headers, _ = http(url)

    assert status == 303 and "error=invalid_request" in headers["Location"]


def test_a_code_is_redeemed_once_with_the_right_verifier(standin):
    code, verifier = approved_code(standin)

    first = redeem(standin, code, verifier)
    second = redeem(standin, code, verifier)

    assert first[0] == 200 and first[1]["expires_in"] == 3600
    assert first[1]["refresh_token"]
    assert second == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid authorization code"},
    )


def test_a_wrong_verifier_is_refused(standin):
    code, _ = approved_code(standin)

    status, body = redeem(standin, code, secrets.token_urlsafe(64))

    assert status == 400 and body["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(standin):
    code, verifier = approved_code(standin)

    status, body = redeem(standin, code, verifier, auth=(CLIENT_ID, "guess"))

    assert status == 401 and body == {"error": "invalid_client"}


def test_faults_can_be_set_and_read_over_http(standin):
    status, _, _ = http(
        f"{standin.url}/_standin/faults",
        data=json.dumps({"kind": "rate_limited", "target": "me", "times": 1}).encode(),
    )
    _, _, body = http(f"{standin.url}/_standin/state")

    assert status == 201
    assert json.loads(body)["faults"][0]["kind"] == "rate_limited"
    assert http(f"{standin.url}/v1/me")[0] == 429

    http(f"{standin.url}/_standin/faults", method="DELETE")
    assert standin.faults.active() == []


def test_an_unknown_fault_is_refused_over_http(standin):
    status, _, _ = http(
        f"{standin.url}/_standin/faults", data=json.dumps({"kind": "gremlins"}).encode()
    )

    assert status == 400


@pytest.mark.django_db
def test_the_state_shows_the_token_requests_and_playlists(standin):
    sign_in(Client(enforce_csrf_checks=True), standin)

    _, _, body = http(f"{standin.url}/_standin/state")

    state = json.loads(body)
    assert state["token_requests"] == {"authorization_code": 1}
    assert state["api_requests"] == {"me": 1}


@pytest.mark.django_db
def test_no_log_line_carries_a_token_code_state_or_secret(standin, caplog):
    caplog.set_level(logging.DEBUG)
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, standin)
    session = browser.session
    session["spotify_tokens"]["expires_at"] = 0
    session.save()
    standin.faults.set("server_error", "me", times=1)
    browser.get("/admin/")
    spotify.me(browser.session["spotify_tokens"]["access_token"])

    secrets_seen = [
        *standin.state.access_tokens,
        *standin.state.refresh_tokens,
        *standin.state.codes,
        CLIENT_SECRET,
    ]
    assert standin.state.token_requests["refresh_token"] == 1
    assert standin.state.api_requests["me"] == 3
    assert len(secrets_seen) >= 5
    assert not [secret for secret in secrets_seen if secret in caplog.text]


@pytest.mark.parametrize(
    ("argv", "environ", "standin_on", "wanted"),
    [
        (["manage.py", "runserver"], {}, True, True),
        (["manage.py", "runserver", "--noreload"], {}, True, True),
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True, False),
        (["manage.py", "runserver"], {}, False, False),
        (["manage.py", "migrate"], {}, True, False),
        (["gunicorn", "mtm_site.wsgi"], {}, True, False),
    ],
)
def test_runserver_starts_the_stand_in_only_in_the_watching_process(
    settings, argv, environ, standin_on, wanted
):
    settings.SPOTIFY_STANDIN = standin_on

    assert bool(runserver.wanted(argv, environ)) is wanted


def test_the_runserver_stand_in_serves_on_the_configured_port(settings, capsys):
    settings.SPOTIFY_STANDIN_PORT = 0

    standin = runserver.start()
    try:
        status, _, body = http(f"{standin.url}/")
    finally:
        standin.stop()

    assert status == 200 and b"stand-in" in body
    assert "Spotify stand-in at http://127.0.0.1:" in capsys.readouterr().out


def test_a_taken_port_is_reported_not_fatal(settings, standin, caplog):
    settings.SPOTIFY_STANDIN_PORT = int(urlsplit(standin.url).port)

    assert runserver.start() is None
    assert "port" in caplog.text
