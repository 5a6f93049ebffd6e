"""Every page against an empty, a faulty, the demo and a hostile archive."""

import pytest
from django.urls import reverse

from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

READ_PAGES = [
    reverse("dashboard:home"),
    reverse("dashboard:analytics"),
    reverse("dashboard:analytics") + "?range=6m",
    reverse("dashboard:playlists"),
    reverse("dashboard:playlist_preview", args=["forgotten-gems"]),
    reverse("dashboard:playlist_preview", args=["recent-discoveries"]),
    reverse("dashboard:playlist_preview", args=["current-rotation"]),
    reverse("dashboard:playlist_preview", args=["time-capsule"]),
    reverse("dashboard:compare"),
]
ALWAYS_OPEN = [reverse("dashboard:settings"), reverse("dashboard:clear")]


@pytest.mark.parametrize("url", READ_PAGES + ALWAYS_OPEN)
def test_each_page_renders_the_demo_archive(client, demo_archive, url):
    response = client.get(url)

    assert response.status_code == 200
    assert b"<h1" in response.content


@pytest.mark.parametrize("url", READ_PAGES + ALWAYS_OPEN)
def test_each_page_renders_an_empty_archive(client, empty_archive, url):
    response = client.get(url)

    assert response.status_code == 200
    assert b"Traceback" not in response.content


@pytest.mark.parametrize("url", READ_PAGES)
def test_a_faulty_archive_gets_a_sentence_not_a_page_of_figures(
    client, faulty_archive, url
):
    response = client.get(url)

    assert response.status_code == 503
    assert b"is not a SQLite database" in response.content


@pytest.mark.parametrize("url", ALWAYS_OPEN)
def test_settings_stay_usable_with_a_faulty_archive(client, faulty_archive, url):
    response = client.get(url)

    assert response.status_code == 200
    assert b"is not a SQLite database" in response.content


def test_settings_offer_to_create_a_missing_archive(client, missing_archive):
    response = client.get(reverse("dashboard:settings"))

    assert response.status_code == 200
    assert b"first snapshot creates it" in response.content
    assert not missing_archive.exists()


@pytest.mark.parametrize("url", READ_PAGES + ALWAYS_OPEN)
def test_hostile_names_come_out_escaped(client, hostile_archive, url):
    response = client.get(url)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_hostile_names_are_shown_escaped_on_the_rotation(client, hostile_archive):
    html = client.get(
        reverse("dashboard:playlist_preview", args=["current-rotation"])
    ).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ template }} {% tag %}" in html


@pytest.mark.parametrize("url", READ_PAGES + ALWAYS_OPEN)
def test_pages_send_people_who_are_not_signed_in_to_sign_in(demo_archive, url):
    from django.test import Client

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("spotify_auth:landing"))


def test_home_shows_the_cards_and_the_chart_data(client, hand_archive):
    response = client.get(reverse("dashboard:home"))
    html = response.content.decode()

    assert response.context["figures"].tracks_tracked == 7
    assert "in 3 of 3 snapshots" in html
    assert ">40%<" in html
    assert 'id="discoveries-data" type="application/json"' in html
    assert response.context["discoveries_chart"]["labels"] == [
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
    ]
    assert response.context["discoveries_chart"]["series"][0]["data"] == [3, 0, 1]


def test_analytics_falls_back_to_twelve_months_for_an_unknown_range(
    client, hand_archive
):
    response = client.get(reverse("dashboard:analytics") + "?range=forever")

    assert response.context["figures"].range_code == "12m"
    assert 'value="12m" checked' in response.content.decode()


def test_analytics_lists_the_ten_most_consistent_artists(client, hand_archive):
    response = client.get(reverse("dashboard:analytics") + "?range=all")
    top = response.context["figures"].top_artists

    assert [(artist.artist, artist.snapshots) for artist in top][:2] == [
        ("Beta", 3),
        ("alpha", 3),
    ]
    assert response.context["diversity_chart"]["series"][0]["data"] == [2, 3, 5]
    # Five artists in all, so none is left out of the ten.
    assert "more artist" not in response.content.decode()


def test_analytics_says_how_many_artists_tie_beyond_the_ten(
    client, tmp_path, use_archive
):
    tracks = [(f"t{n:02d}", f"Song {n}", f"Artist {n:02d}") for n in range(13)]
    rows = [(track_id, "2026-01-01", "short_term", 1) for track_id, _, _ in tracks]
    use_archive(archives.build(tmp_path / "ties.db", tracks, rows))

    response = client.get(reverse("dashboard:analytics") + "?range=all")

    assert "3 more artists are also on 1 of 1 snapshots" in response.content.decode()


def test_pages_carry_no_inline_script_or_style(client, demo_archive):
    for url in READ_PAGES + ALWAYS_OPEN:
        html = client.get(url).content.decode()
        assert "style=" not in html
        assert "<style" not in html
        for chunk in html.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening


def test_the_csp_header_allows_only_own_scripts(client, demo_archive):
    response = client.get(reverse("dashboard:home"))

    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_snapshot_row_without_a_catalogue_entry_is_left_out_as_in_figures(
    client, tmp_path, use_archive
):
    use_archive(
        archives.build(
            tmp_path / "orphan.db",
            [],
            [("T000000000000000000001", "2026-01-01", "short_term", 1)],
        )
    )

    response = client.get(
        reverse("dashboard:playlist_preview", args=["current-rotation"])
    )

    assert response.status_code == 200
    assert "T000000000000000000001" not in response.content.decode()
    assert "There are no tracks for this playlist" in response.content.decode()


def test_a_hostile_track_page_escapes_its_name_in_title_and_heading(
    client, hostile_archive
):
    from .conftest import spotify_id

    response = client.get(reverse("dashboard:track", args=[spotify_id(1)]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; ·" in html
    assert "<img src=x" not in html
    # The chart's JSON cannot close its script element.
    assert (
        "</script><"
        not in html.split('id="rank-history-data"')[1].split("</script>")[0]
    )


def test_settings_show_the_archives_counts_dates_and_size(client, hand_archive):
    response = client.get(reverse("dashboard:settings"))
    status = response.context["status"]

    assert (status.tracks, status.snapshot_rows, status.snapshots_taken) == (7, 13, 3)
    assert (status.first_snapshot, status.latest_snapshot) == (
        "2026-01-10",
        "2026-03-20",
    )
    assert response.context["file_size"] == hand_archive.stat().st_size
    assert str(hand_archive) in response.content.decode()
    assert "Connected</span> as Demo Listener." in response.content.decode()
