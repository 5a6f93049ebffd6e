"""Signing in and out through the views, with CSRF enforced on every POST."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from spotify_auth import client as spotify
from spotify_auth import flow, tokens
from spotify_auth.models import SpotifyIdentity
from tests.fixtures_spotify import csrf_post, sign_in

pytestmark = pytest.mark.django_db

START = "/auth/start/"
CALLBACK = "/auth/callback/"


@pytest.fixture
def browser():
    """A client like a browser: CSRF enforced, so a missing token fails."""
    return Client(enforce_csrf_checks=True)


def start(browser, next_url=""):
    response = csrf_post(browser, START, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def callback_path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def stored_session(browser):
    return Session.objects.get(session_key=browser.cookies["sessionid"].value)


def test_the_landing_page_offers_connect_spotify_as_a_post_form(browser, standin):
    response = browser.get("/auth/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="post" action="/auth/start/"' in html
    assert "Connect Spotify" in html and "csrfmiddlewaretoken" in html
    # Inline code would break under the site's CSP; files with src= are fine.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "style=" not in html and "<style" not in html


def test_the_landing_page_lets_the_form_go_on_to_spotify(browser, standin):
    response = browser.get("/auth/")

    policy = response["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if "form-action" in p)
    assert "'self'" in form_action and standin.url in form_action


def test_sign_in_does_not_start_on_a_get(browser, standin):
    assert browser.get(START).status_code == 405


def test_sign_in_does_not_start_without_a_csrf_token(browser, standin):
    browser.get("/auth/")

    assert browser.post(START).status_code == 403


def test_sign_in_asks_spotify_with_pkce_and_the_configured_redirect(
    browser, standin, settings
):
    settings.SPOTIFY_REDIRECT_URI = "https://music.example/auth/callback/"

    location = start(browser)

    parts = urlsplit(location)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    pending = browser.session[flow.SESSION_KEY][query["state"]]
    assert f"{parts.scheme}://{parts.netloc}" == standin.url
    assert parts.path == "/authorize"
    assert query["redirect_uri"] == "https://music.example/auth/callback/"
    assert query["client_id"] == settings.SPOTIFY_CLIENT_ID
    assert set(query["scope"].split()) == {
        "user-top-read",
        "playlist-modify-private",
        "playlist-modify-public",
    }
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == spotify.code_challenge(pending["verifier"])
    assert pending["verifier"] not in location
    # 43 base64url characters carry 256 random bits, 128 at the very least.
    assert len(query["state"]) >= 43


def test_the_redirect_uri_never_comes_from_the_request(browser, standin, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    browser.get("/auth/", HTTP_HOST="evil.example")
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        START, {"csrfmiddlewaretoken": token}, HTTP_HOST="evil.example"
    )

    assert "evil.example" not in response["Location"]


def test_every_sign_in_gets_a_fresh_state_and_verifier(browser, standin):
    first = parse_qs(urlsplit(start(browser)).query)
    second = parse_qs(urlsplit(start(browser)).query)

    pending = browser.session[flow.SESSION_KEY]
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]
    assert len({entry["verifier"] for entry in pending.values()}) == 2


def test_signing_in_ties_the_person_to_their_spotify_id(browser, standin):
    browser.get("/auth/")
    key_before = browser.session.session_key
    location = start(browser)

    response = browser.get(callback_path(standin.approve(location)))

    assert response.status_code == 302 and response["Location"] == "/"
    identity = SpotifyIdentity.objects.get(spotify_id="demo-listener")
    assert identity.display_name == "Demo Listener"
    assert browser.session["_auth_user_id"] == str(identity.user.pk)
    assert browser.session.session_key != key_before
    assert not identity.user.has_usable_password()


def test_tokens_stay_in_the_database_session_and_the_cookie_holds_its_id(
    browser, standin
):
    sign_in(browser, standin)

    stored = stored_session(browser).get_decoded()[tokens.SESSION_KEY]
    assert stored["access_token"] in standin.state.access_tokens
    assert stored["refresh_token"] in standin.state.refresh_tokens
    assert stored["expires_at"] == pytest.approx(time.time() + 3600, abs=5)
    cookie_values = " ".join(morsel.value for morsel in browser.cookies.values())
    assert stored["access_token"] not in cookie_values
    assert stored["refresh_token"] not in cookie_values
    assert browser.cookies["sessionid"].value == browser.session.session_key


def test_signing_in_twice_keeps_one_user(browser, standin):
    sign_in(browser, standin)
    sign_in(Client(enforce_csrf_checks=True), standin)

    assert get_user_model().objects.count() == 1


def test_a_local_user_named_like_the_spotify_account_is_not_taken_over(
    browser, standin
):
    local = get_user_model().objects.create_user("spotify:demo-listener", "x")

    sign_in(browser, standin)

    identity = SpotifyIdentity.objects.get(spotify_id="demo-listener")
    assert identity.user != local


def test_the_person_returns_to_the_page_first_asked_for(browser, standin):
    landing = browser.get("/auth/?next=/analytics/%3Frange%3D6m")
    assert 'name="next" value="/analytics/?range=6m"' in landing.content.decode()

    response = sign_in(browser, standin, next_url="/analytics/?range=6m")

    assert response["Location"] == "/analytics/?range=6m"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_a_next_page_off_this_site_is_ignored(browser, standin, next_url):
    response = sign_in(browser, standin, next_url=next_url)

    assert response["Location"] == "/"


def test_a_protected_page_sends_strangers_to_the_landing_page(browser, standin):
    response = browser.get("/?x=1")

    assert response.status_code == 302
    assert response["Location"] == "/auth/?next=/%3Fx%3D1"


def assert_refused(response, standin, sentence_part):
    assert response.status_code == 400
    assert sentence_part in response.content.decode()
    assert standin.state.token_requests.total() == 0
    assert not get_user_model().objects.exists()


def test_a_callback_without_state_is_refused(browser, standin):
    start(browser)

    response = browser.get(f"{CALLBACK}?code=abc")

    assert_refused(response, standin, "did not say which sign-in")


def test_a_callback_with_an_unknown_state_is_refused(browser, standin):
    start(browser)

    response = browser.get(f"{CALLBACK}?code=abc&state=made-up")

    assert_refused(response, standin, "already used or was not started")


def test_a_callback_with_two_states_is_refused(browser, standin):
    state = parse_qs(urlsplit(start(browser)).query)["state"][0]

    response = browser.get(f"{CALLBACK}?code=abc&state={state}&state={state}")

    assert_refused(response, standin, "more than one sign-in")


def test_a_callback_from_another_browser_is_refused(browser, standin):
    location = start(browser)
    callback = callback_path(standin.approve(location))

    response = Client(enforce_csrf_checks=True).get(callback)

    assert_refused(response, standin, "already used or was not started")


def test_a_replayed_callback_is_refused_without_asking_spotify(browser, standin):
    callback = callback_path(standin.approve(start(browser)))
    assert browser.get(callback).status_code == 302

    response = browser.get(callback)

    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert standin.state.token_requests["authorization_code"] == 1


def test_a_callback_after_ten_minutes_is_refused(browser, standin, monkeypatch):
    location = start(browser)
    callback = callback_path(standin.approve(location))
    later = time.time() + flow.STATE_LIFETIME + 1
    monkeypatch.setattr(flow.time, "time", lambda: later)

    response = browser.get(callback)

    assert_refused(response, standin, "longer than ten minutes")


def test_the_state_is_gone_from_the_session_before_the_token_request(
    browser, standin, monkeypatch
):
    callback = callback_path(standin.approve(start(browser)))
    state = parse_qs(urlsplit(callback).query)["state"][0]
    seen = []
    real_exchange = spotify.exchange_code

    def exchange_and_look(code, verifier):
        pending = stored_session(browser).get_decoded().get(flow.SESSION_KEY, {})
        seen.append(state in pending)
        return real_exchange(code, verifier)

    monkeypatch.setattr(spotify, "exchange_code", exchange_and_look)

    assert browser.get(callback).status_code == 302
    assert seen == [False]


def test_cancelling_on_spotify_shows_a_cancelled_page(browser, standin):
    callback = callback_path(standin.cancel(start(browser)))

    response = browser.get(callback)

    assert response.status_code == 200
    assert "Sign-in cancelled" in response.content.decode()
    assert standin.state.token_requests.total() == 0
    assert "_auth_user_id" not in browser.session


def test_another_error_from_spotify_is_a_sentence(browser, standin):
    state = parse_qs(urlsplit(start(browser)).query)["state"][0]

    response = browser.get(f"{CALLBACK}?error=server_error&state={state}")

    assert response.status_code == 400
    assert "could not complete the sign-in" in response.content.decode()
    assert standin.state.token_requests.total() == 0


def test_a_callback_without_a_code_is_refused(browser, standin):
    state = parse_qs(urlsplit(start(browser)).query)["state"][0]

    response = browser.get(f"{CALLBACK}?state={state}")

    assert_refused(response, standin, "no authorization code")


@pytest.mark.parametrize(
    ("kind", "options", "echo"),
    [
        ("server_error", {"status": 500}, "Service unavailable"),
        ("server_error", {"status": 503}, "Service unavailable"),
        ("html", {}, "Upstream hiccup"),
        ("html", {"status": 502}, "Upstream hiccup"),
        ("incomplete", {}, "nothing you expected"),
        ("revoked", {}, "invalid_grant"),
        ("rate_limited", {}, "rate limit"),
        ("slow", {"delay": 2}, ""),
    ],
)
def test_a_failing_token_endpoint_gives_a_friendly_page_and_stores_nothing(
    browser, standin, settings, kind, options, echo
):
    settings.SPOTIFY_TIMEOUT = 1
    callback = callback_path(standin.approve(start(browser)))
    standin.faults.set(kind, "token", **options)

    response = browser.get(callback)

    html = response.content.decode()
    assert response.status_code == 502
    assert "Sign-in failed" in html and "Traceback" not in html
    assert not echo or echo not in html
    assert tokens.SESSION_KEY not in browser.session
    assert "_auth_user_id" not in browser.session
    assert not get_user_model().objects.exists()


def test_a_token_reply_without_a_refresh_token_signs_nobody_in(
    browser, standin, monkeypatch
):
    issue = _without_refresh(standin.state.issue_tokens)
    monkeypatch.setattr(standin.state, "issue_tokens", issue)
    callback = callback_path(standin.approve(start(browser)))

    response = browser.get(callback)

    assert response.status_code == 502
    assert "_auth_user_id" not in browser.session


def _without_refresh(issue):
    def issue_access_only(user, scope, with_refresh=True):
        return issue(user, scope, with_refresh=False)

    return issue_access_only


def test_an_account_spotify_refuses_hears_about_the_user_list(browser, standin):
    callback = callback_path(standin.approve(start(browser)))
    standin.faults.set("forbidden", "me")

    response = browser.get(callback)

    assert response.status_code == 502
    assert "developer dashboard" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_only_allowed_spotify_ids_may_enter(browser, standin, settings):
    settings.SPOTIFY_ALLOWED_USERS = ["someone-else"]

    response = sign_in(browser, standin)

    assert response.status_code == 403
    assert "guest list" in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert tokens.SESSION_KEY not in browser.session
    assert not get_user_model().objects.exists()


def test_an_allowed_spotify_id_enters(browser, standin, settings):
    settings.SPOTIFY_ALLOWED_USERS = ["someone-else", "demo-listener"]

    response = sign_in(browser, standin)

    assert response.status_code == 302
    assert "_auth_user_id" in browser.session


def test_admin_ids_become_staff_and_reach_the_admin(browser, standin, settings):
    settings.SPOTIFY_ADMIN_USERS = ["demo-listener"]

    sign_in(browser, standin)

    user = SpotifyIdentity.objects.get(spotify_id="demo-listener").user
    assert user.is_staff and user.is_superuser
    admin = browser.get("/admin/")
    assert admin.status_code == 200
    # Greeted by the Spotify name, not the made-up user name.
    assert "<strong>Demo Listener</strong>" in admin.text


def test_other_ids_are_not_staff(browser, standin):
    sign_in(browser, standin)

    user = SpotifyIdentity.objects.get(spotify_id="demo-listener").user
    assert not user.is_staff and not user.is_superuser
    assert browser.get("/admin/").status_code == 302


def test_an_id_taken_off_the_admin_list_loses_staff_at_next_sign_in(
    browser, standin, settings
):
    settings.SPOTIFY_ADMIN_USERS = ["demo-listener"]
    sign_in(browser, standin)
    settings.SPOTIFY_ADMIN_USERS = []

    sign_in(Client(enforce_csrf_checks=True), standin)

    user = SpotifyIdentity.objects.get(spotify_id="demo-listener").user
    assert not user.is_staff and not user.is_superuser


def test_a_switched_off_user_cannot_sign_in(browser, standin):
    sign_in(browser, standin)
    get_user_model().objects.update(is_active=False)

    response = sign_in(Client(enforce_csrf_checks=True), standin)

    assert response.status_code == 403


def test_logging_out_needs_a_post(signed_in_client):
    assert signed_in_client.get("/auth/logout/").status_code == 405
    assert "_auth_user_id" in signed_in_client.session


def test_logging_out_needs_a_csrf_token(signed_in_client):
    assert signed_in_client.post("/auth/logout/").status_code == 403
    assert "_auth_user_id" in signed_in_client.session


def test_logging_out_flushes_the_session(signed_in_client):
    key = signed_in_client.session.session_key

    response = csrf_post(signed_in_client, "/auth/logout/")

    assert response.status_code == 302 and response["Location"] == "/auth/"
    assert not Session.objects.filter(session_key=key).exists()
    assert tokens.SESSION_KEY not in signed_in_client.session
    assert signed_in_client.get("/").status_code == 302
    assert "signed out" in signed_in_client.get("/auth/").content.decode()
