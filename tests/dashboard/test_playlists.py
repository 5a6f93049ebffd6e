"""Playlist sources on a hand-made archive, and making playlists on the stand-in.

The archive's latest snapshot is 2026-06-01 (called "end"); ranks are
four-week (short-term) unless marked:

    G1   end-200 #3, end-120 #1            -> gem, seen twice, best #1
    G2   end-100 #5                        -> gem
    B90  end-90 #7                         -> gem: 90 days is inside the window
    N1   end-200 #4, end-30 #2, end #1     -> in the last 90 days: no gem
    O1   end-400 #1                        -> older than 365 days: no gem
    M1   end-150 (medium only)             -> gems look at four-week lists only
    D1   end #2                            -> first seen in the latest snapshot
    D2   end-10 (long only), end #3        -> seen before: not a discovery
    D3   end (medium only #1)              -> a discovery, after the short ones
    bad  end #4, id "not-an-id"            -> shown but left out of playlists
"""

import datetime
import time

import pytest
from django.urls import reverse

from dashboard import playlists
from dashboard.forms import consume_token, issue_token
from tests import archives

from .conftest import days_before, spotify_id

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

END = datetime.date(2026, 6, 1)
IDS = {
    name: spotify_id(index)
    for index, name in enumerate(
        ["G1", "G2", "B90", "N1", "O1", "M1", "D1", "D2", "D3"], start=1
    )
}
IDS["bad"] = "not-an-id"


def row(name, days, rank, time_range="short_term"):
    return (IDS[name], days_before(END, days), time_range, rank)


ROWS = [
    row("G1", 200, 3),
    row("N1", 200, 4),
    row("G1", 120, 1),
    row("M1", 150, 1, "medium_term"),
    row("G2", 100, 5),
    row("B90", 90, 7),
    row("N1", 30, 2),
    row("D2", 10, 1, "long_term"),
    row("O1", 400, 1),
    row("N1", 0, 1),
    row("D1", 0, 2),
    row("D2", 0, 3),
    row("bad", 0, 4),
    row("D3", 0, 1, "medium_term"),
]


@pytest.fixture
def playlist_archive(tmp_path, use_archive):
    tracks = [
        (track_id, f"Song {name}", f"Artist {name}") for name, track_id in IDS.items()
    ]
    return use_archive(archives.build(tmp_path / "p.db", tracks, ROWS))


@pytest.fixture
def big_archive(tmp_path, use_archive):
    tracks = [(spotify_id(n), f"Song {n}", "Artist") for n in range(1, 251)]
    rows = [(spotify_id(n), "2026-06-01", "short_term", n) for n in range(1, 251)]
    return use_archive(archives.build(tmp_path / "big.db", tracks, rows))


def names(selection):
    return [track.name for track in selection.tracks]


def test_forgotten_gems_are_seen_90_to_365_days_before_the_latest_snapshot(
    playlist_archive,
):
    gems = playlists.select("forgotten-gems")

    assert names(gems) == ["Song G1", "Song G2", "Song B90"]
    first = gems.tracks[0]
    assert (first.appearances, first.rank, first.days_ago) == (2, 1, 120)


def test_recent_discoveries_first_appeared_in_the_latest_snapshot(playlist_archive):
    assert names(playlists.select("recent-discoveries")) == [
        "Song D1",
        "Song bad",
        "Song D3",
    ]


def test_current_rotation_is_the_latest_snapshot_in_rank_order(playlist_archive):
    rotation = playlists.select("current-rotation")

    assert names(rotation) == ["Song N1", "Song D1", "Song D2", "Song bad"]
    assert rotation.skipped == 1
    assert [track.uri for track in rotation.addable][0] == f"spotify:track:{IDS['N1']}"


def test_a_time_capsule_rebuilds_a_past_snapshot(playlist_archive):
    capsule = playlists.select("time-capsule", days_before(END, 200))

    assert names(capsule) == ["Song G1", "Song N1"]
    assert capsule.default_name(datetime.date(2026, 12, 3)).endswith(
        f"- {END - datetime.timedelta(days=200):%B %Y}"
    )


def test_a_time_capsule_of_a_date_without_a_snapshot_is_empty(playlist_archive):
    assert playlists.select("time-capsule", "1999-01-01").tracks == []


def test_the_default_name_is_label_dash_month_year(playlist_archive):
    rotation = playlists.select("current-rotation")

    assert rotation.default_name(datetime.date(2026, 3, 9)) == (
        "Current Rotation - March 2026"
    )


def test_the_preview_lists_tracks_before_anything_is_made(
    client, playlist_archive, standin
):
    response = client.get(
        reverse("dashboard:playlist_preview", args=["current-rotation"])
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "Song N1" in html
    assert "not a Spotify id" in html
    assert response.context["form"]["name"].value().startswith("Current Rotation - ")
    assert standin.state.playlists == {}


def test_an_unknown_source_is_a_404(client, playlist_archive):
    response = client.get(reverse("dashboard:playlist_preview", args=["mystery"]))

    assert response.status_code == 404


def _token(client, source):
    page = client.get(reverse("dashboard:playlist_preview", args=[source]))
    return page.context["form"]["token"].value()


def test_it_makes_a_private_playlist_and_links_to_it(client, playlist_archive, standin):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    response = client.post(url, {"name": "  My   rotation ", "token": token})

    assert response.status_code == 302
    (playlist,) = standin.state.playlists.values()
    assert playlist["name"] == "My rotation"
    assert playlist["public"] is False
    assert playlist["items"] == [
        f"spotify:track:{IDS[name]}" for name in ("N1", "D1", "D2")
    ]
    page = client.get(response["Location"])
    assert playlist["external_urls"]["spotify"] in page.content.decode()
    assert "with 3 tracks" in page.content.decode()


def test_tracks_go_in_chunks_of_at_most_100(client, big_archive, standin):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    client.post(url, {"name": "Big", "token": token})

    (playlist,) = standin.state.playlists.values()
    assert len(playlist["items"]) == 250
    assert playlist["items"][0] == f"spotify:track:{spotify_id(1)}"
    assert playlist["items"][-1] == f"spotify:track:{spotify_id(250)}"
    assert standin.state.api_requests["add_items"] == 3


def test_a_double_submit_makes_one_playlist(client, playlist_archive, standin):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    first = client.post(url, {"name": "Once", "token": token})
    second = client.post(url, {"name": "Once", "token": token})

    assert len(standin.state.playlists) == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_a_token_is_spent_by_one_of_many_concurrent_requests():
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    session = SessionStore()
    token = issue_token(session, "playlist")
    session.save()

    def spend(_):
        # Each request loads its own copy of the session, as real ones do.
        try:
            own = SessionStore(session_key=session.session_key)
            return consume_token(own, "playlist", token)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(spend, range(8)))

    assert results.count(True) == 1


def test_a_token_from_another_session_is_refused():
    from django.contrib.sessions.backends.db import SessionStore

    token = issue_token(SessionStore(), "playlist")

    assert consume_token(SessionStore(), "playlist", token) is False


def test_an_unknown_token_makes_nothing(client, playlist_archive, standin):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])

    response = client.post(url, {"name": "Forged", "token": "forged"})

    assert response.status_code == 400
    assert standin.state.playlists == {}
    assert "had expired" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Give the playlist a name."),
        ("   ", "Give the playlist a name."),
        ("x" * 101, "Keep the name to 100 characters or fewer."),
    ],
)
def test_a_bad_name_is_refused_with_a_sentence(
    client, playlist_archive, standin, name, error
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    response = client.post(url, {"name": name, "token": token})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert standin.state.playlists == {}


def test_a_name_of_exactly_100_characters_is_accepted(
    client, playlist_archive, standin
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    client.post(url, {"name": "y" * 100, "token": token})

    (playlist,) = standin.state.playlists.values()
    assert playlist["name"] == "y" * 100


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("rate_limited", "try again in 7 seconds"),
        ("quota_exceeded", "used up its Spotify quota"),
        ("forbidden", "development mode"),
        ("server_error", "having trouble right now"),
    ],
)
def test_each_spotify_failure_has_its_own_sentence(
    client, playlist_archive, standin, kind, sentence
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")
    standin.faults.set(kind, "create_playlist", retry_after=7)

    response = client.post(url, {"name": "Fails", "token": token})

    assert response.status_code == 502
    assert sentence in response.content.decode()
    assert standin.state.playlists == {}
    # A fresh token lets the person try again.
    fresh = response.context["form"]["token"].value()
    assert fresh != token
    standin.faults.clear()
    again = client.post(url, {"name": "Works now", "token": fresh})
    assert again.status_code == 302
    assert [p["name"] for p in standin.state.playlists.values()] == ["Works now"]


def test_a_playlist_left_half_filled_says_so(client, big_archive, standin):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")
    standin.faults.set("server_error", "add_items")

    response = client.post(url, {"name": "Half", "token": token})
    page = client.get(response["Location"])

    assert "not finished" in page.content.decode()
    assert "having trouble right now" in page.content.decode()


def test_a_playlist_needs_a_spotify_connection(client, playlist_archive, standin):
    client.post(reverse("dashboard:disconnect"))
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    response = client.post(url, {"name": "Nope", "token": token})

    assert response.status_code == 400
    assert "Connect Spotify first" in response.content.decode()
    assert standin.state.playlists == {}


def test_a_disconnected_preview_offers_to_connect_instead_of_the_form(
    client, playlist_archive, standin
):
    client.post(reverse("dashboard:disconnect"))

    page = client.get(reverse("dashboard:playlist_preview", args=["current-rotation"]))

    html = page.content.decode()
    assert "Create playlist" not in html
    assert 'href="/auth/?next=/playlists/current-rotation/">Connect Spotify' in html


def test_a_grant_spotify_refuses_is_dropped_so_the_page_offers_to_connect(
    client, playlist_archive, standin
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")
    standin.faults.set("revoked", "create_playlist")

    response = client.post(url, {"name": "Refused", "token": token})

    assert response.status_code == 502
    assert "no longer accepts this sign-in" in response.content.decode()
    assert "Create playlist" not in response.content.decode()
    assert "Connect Spotify" in client.get(url).content.decode()
    assert standin.state.playlists == {}


def test_a_playlist_post_without_csrf_is_refused(client, playlist_archive, standin):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")

    response = client.raw_post(url, {"name": "CSRF", "token": token})

    assert response.status_code == 403
    assert standin.state.playlists == {}


def test_the_made_page_of_an_unknown_form_is_a_404(client, playlist_archive):
    response = client.get(reverse("dashboard:playlist_created", args=["nothing"]))

    assert response.status_code == 404


def _twin(client):
    """Return a second client on the same session, as a second browser tab."""
    from http.cookies import SimpleCookie

    from django.test import Client

    twin = Client(enforce_csrf_checks=True)
    twin.cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    return twin


def _post_at_once(client, url, data, gap=0.3):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    twin = _twin(client)
    data = {**data, "csrfmiddlewaretoken": client.csrf_token}

    def send(which):
        try:
            if which:
                time.sleep(gap)
                return twin.post(url, data)
            return client.raw_post(url, data)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(send, [0, 1]))


def test_a_second_click_while_the_first_is_working_shows_the_same_playlist(
    client, playlist_archive, standin
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")
    standin.faults.set("slow", "create_playlist", times=1, delay=1.0)

    first, second = _post_at_once(client, url, {"name": "Twice", "token": token})

    assert len(standin.state.playlists) == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_a_second_click_after_a_failure_shows_the_failure(
    client, playlist_archive, standin
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = _token(client, "current-rotation")
    standin.faults.set("forbidden", "create_playlist")

    client.post(url, {"name": "Refused", "token": token})
    second = client.post(url, {"name": "Refused", "token": token})

    assert second.status_code == 502
    assert "development mode" in second.content.decode()
    assert standin.state.playlists == {}


def test_a_time_capsule_playlist_holds_that_snapshot(client, playlist_archive, standin):
    day = days_before(END, 200)
    url = reverse("dashboard:playlist_preview", args=["time-capsule"])
    page = client.get(f"{url}?date={day}")
    token = page.context["form"]["token"].value()
    assert f'name="date" value="{day}"' in page.content.decode()

    client.post(url, {"name": "Capsule", "token": token, "date": day})

    (playlist,) = standin.state.playlists.values()
    assert playlist["items"] == [f"spotify:track:{IDS[n]}" for n in ("G1", "N1")]
