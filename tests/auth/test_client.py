"""spotify_auth.client against the stand-in, over real HTTP."""

import json
import time
from pathlib import Path

import pytest

from spotify_auth import client
from spotify_auth.standin import catalogue
from tests.fixtures_spotify import http

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def grant(standin):
    """Tokens the stand-in issued to demo-listener, as a sign-in would."""
    user = dict(standin.state.listener)
    return standin.state.issue_tokens(user, " ".join(client.SCOPES))


def test_it_reads_the_profile(standin, grant):
    profile = client.me(grant["access_token"])

    assert profile == client.Profile(id="demo-listener", display_name="Demo Listener")


@pytest.mark.parametrize("time_range", client.TIME_RANGES)
def test_it_reads_fifty_spotify_shaped_top_tracks_per_range(standin, grant, time_range):
    tracks = client.top_tracks(grant["access_token"], time_range)

    assert len(tracks) == 50
    assert standin.state.api_requests["top_tracks"] == 1
    for track in tracks:
        assert len(track["id"]) == 22 and track["id"].isalnum()
        assert track["uri"] == f"spotify:track:{track['id']}"
        assert track["external_urls"]["spotify"].endswith(track["id"])
        assert track["artists"][0]["name"] and track["album"]["name"]
        assert isinstance(track["duration_ms"], int)


def test_the_catalogue_holds_names_that_break_careless_pages():
    names = " ".join(
        track["name"] for tracks in catalogue.TOP_TRACKS.values() for track in tracks
    )

    assert '"' in names and "<script>" in names and "🌅" in names
    assert "أغنية" in names and "שיר" in names
    assert max(len(name) for name in names.split("  ")) >= 200


def test_it_refuses_an_unknown_time_range_before_asking(standin, grant):
    with pytest.raises(ValueError):
        client.top_tracks(grant["access_token"], "forever")

    assert standin.state.api_requests["top_tracks"] == 0


def test_it_creates_a_playlist_and_adds_items(standin, grant):
    uris = [
        f"spotify:track:{track['id']}" for track in catalogue.TOP_TRACKS["long_term"]
    ]

    playlist = client.create_playlist(
        grant["access_token"], "Forgotten Gems - Mar 2026"
    )
    client.add_items(grant["access_token"], playlist.id, uris[:50])

    stored = standin.state.playlists[playlist.id]
    assert stored["name"] == "Forgotten Gems - Mar 2026"
    assert stored["public"] is False
    assert stored["items"] == uris[:50]
    assert playlist.url.endswith(playlist.id)


def test_it_refuses_more_than_a_hundred_items_in_one_call(standin, grant):
    with pytest.raises(ValueError):
        client.add_items(
            grant["access_token"], "x", ["spotify:track:" + "a" * 22] * 101
        )

    assert standin.state.api_requests["add_items"] == 0


def test_the_standin_rejects_more_than_a_hundred_items(standin, grant):
    playlist = client.create_playlist(grant["access_token"], "Big")
    body = json.dumps({"uris": ["spotify:track:" + "a" * 22] * 101}).encode()

    status, _, _ = http(
        f"{standin.api_url}/playlists/{playlist.id}/items",
        data=body,
        headers={"Authorization": f"Bearer {grant['access_token']}"},
    )

    assert status == 400
    assert standin.state.playlists[playlist.id]["items"] == []


def test_the_old_playlist_endpoints_answer_forbidden(standin, grant):
    status, _, _ = http(
        f"{standin.api_url}/users/demo-listener/playlists",
        data=b"{}",
        headers={"Authorization": f"Bearer {grant['access_token']}"},
    )

    assert status == 403


def test_an_unknown_access_token_is_revoked(standin):
    with pytest.raises(client.Revoked):
        client.me("not-a-token-the-standin-issued")


@pytest.mark.parametrize(
    ("kind", "options", "error"),
    [
        ("revoked", {}, client.Revoked),
        ("forbidden", {}, client.Forbidden),
        ("quota_exceeded", {}, client.QuotaExceeded),
        ("server_error", {}, client.Unavailable),
        ("html", {}, client.Unavailable),
        ("html", {"status": 502}, client.Unavailable),
        ("incomplete", {}, client.Unavailable),
        ("rate_limited", {"retry_after": 30}, client.RateLimited),
    ],
)
def test_each_failure_of_a_get_has_its_own_error(standin, grant, kind, options, error):
    standin.faults.set(kind, "me", **options)

    with pytest.raises(error):
        client.me(grant["access_token"])


def test_a_get_is_tried_again_after_a_passing_server_error(standin, grant):
    standin.faults.set("server_error", "top_tracks", times=1)

    tracks = client.top_tracks(grant["access_token"], "short_term")

    assert len(tracks) == 50
    assert standin.state.api_requests["top_tracks"] == 2


def test_a_get_waits_out_a_short_retry_after(standin, grant):
    standin.faults.set("rate_limited", "me", times=1, retry_after=1)
    started = time.monotonic()

    profile = client.me(grant["access_token"])

    assert profile.id == "demo-listener"
    assert 1.0 <= time.monotonic() - started < 2.0
    assert standin.state.api_requests["me"] == 2


def test_a_long_retry_after_is_not_slept_through(standin, grant):
    standin.faults.set("rate_limited", "me", retry_after=30)
    started = time.monotonic()

    with pytest.raises(client.RateLimited) as raised:
        client.me(grant["access_token"])

    assert raised.value.retry_after == 30
    assert time.monotonic() - started < 1.0
    assert standin.state.api_requests["me"] == 1


def test_a_quota_is_not_tried_again(standin, grant):
    standin.faults.set("quota_exceeded", "top_tracks")

    with pytest.raises(client.QuotaExceeded):
        client.top_tracks(grant["access_token"], "short_term")

    assert standin.state.api_requests["top_tracks"] == 1


def test_a_get_gives_up_within_the_timeout(standin, grant, settings):
    settings.SPOTIFY_TIMEOUT = 1
    standin.faults.set("slow", "me", delay=3)
    started = time.monotonic()

    with pytest.raises(client.Unavailable):
        client.me(grant["access_token"])

    assert time.monotonic() - started < 1.6


def test_a_get_keeps_failing_after_three_tries_at_most(standin, grant, settings):
    settings.SPOTIFY_TIMEOUT = 5
    standin.faults.set("server_error", "me")

    with pytest.raises(client.Unavailable):
        client.me(grant["access_token"])

    assert standin.state.api_requests["me"] == client.MAX_GET_ATTEMPTS


@pytest.mark.parametrize("kind", ["server_error", "rate_limited", "slow"])
def test_a_post_is_sent_once_whatever_happens(standin, grant, kind, settings):
    settings.SPOTIFY_TIMEOUT = 1
    standin.faults.set(kind, "create_playlist", retry_after=0, delay=2)

    with pytest.raises((client.Unavailable, client.RateLimited)):
        client.create_playlist(grant["access_token"], "Current Rotation")

    assert standin.state.api_requests["create_playlist"] == 1


def test_a_rotated_refresh_token_is_refused(standin, grant):
    renewed = client.refresh(grant["refresh_token"])

    with pytest.raises(client.Revoked):
        client.refresh(grant["refresh_token"])

    assert renewed.refresh_token not in (None, grant["refresh_token"])
    assert standin.state.token_requests["refresh_token"] == 2


def test_a_refresh_reply_may_come_without_a_refresh_token(standin, grant):
    standin.state.rotate_refresh_tokens = False

    renewed = client.refresh(grant["refresh_token"])

    assert renewed.refresh_token is None
    assert renewed.expires_in == 3600


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("revoked", client.Revoked),
        ("server_error", client.Unavailable),
        ("html", client.Unavailable),
        ("incomplete", client.Unavailable),
        ("slow", client.Unavailable),
        ("rate_limited", client.RateLimited),
        ("quota_exceeded", client.QuotaExceeded),
    ],
)
def test_the_token_endpoint_fails_with_typed_errors_and_no_retry(
    standin, grant, settings, kind, error
):
    settings.SPOTIFY_TIMEOUT = 1
    standin.faults.set(kind, "token", delay=2)

    with pytest.raises(error):
        client.refresh(grant["refresh_token"])

    assert standin.state.token_requests["refresh_token"] == 1


def test_an_unreachable_spotify_is_unavailable(standin, grant, settings):
    settings.SPOTIFY_API_URL = "http://127.0.0.1:9/v1"

    with pytest.raises(client.Unavailable):
        client.me(grant["access_token"])


def test_token_replies_do_not_show_their_tokens_in_repr(standin, grant):
    renewed = client.refresh(grant["refresh_token"])

    assert renewed.access_token not in repr(renewed)
    assert renewed.refresh_token not in repr(renewed)


def test_only_the_client_module_imports_requests():
    importers = [
        path.relative_to(ROOT).as_posix()
        for folder in ("spotify_auth", "dashboard", "mtm_site")
        for path in (ROOT / folder).rglob("*.py")
        if any(
            line.strip().startswith(("import requests", "from requests"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]

    assert importers == ["spotify_auth/client.py"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("inf", 1.0), ("nan", 1.0), ("-5", 0.0), ("999999", 3600.0), ("soon", 1.0)],
)
def test_an_odd_retry_after_becomes_a_pause_within_an_hour(
    standin, grant, header, expected
):
    standin.faults.set("rate_limited", "me", retry_after=header)

    with pytest.raises(client.RateLimited) as raised:
        client.me(grant["access_token"])

    assert raised.value.retry_after == expected
