"""Taking a snapshot from the stand-in into a real archive file."""

import datetime
import sqlite3

import pytest
from django.urls import reverse
from django.utils import timezone

from spotify_auth.standin import catalogue
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

TAKE = reverse("dashboard:take_snapshot")


def rows(path, sql):
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def message_text(response):
    return " ".join(str(message) for message in response.context["messages"])


def test_a_snapshot_saves_fifty_tracks_for_each_time_range(
    client, empty_archive, standin
):
    response = client.post(TAKE, follow=True)

    counts = rows(
        empty_archive,
        "SELECT time_range, COUNT(*), MIN(rank), MAX(rank), COUNT(DISTINCT "
        "snapshot_date) FROM snapshots GROUP BY time_range ORDER BY time_range",
    )
    assert counts == [
        ("long_term", 50, 1, 50, 1),
        ("medium_term", 50, 1, 50, 1),
        ("short_term", 50, 1, 50, 1),
    ]
    distinct = {item["id"] for items in catalogue.TOP_TRACKS.values() for item in items}
    assert rows(empty_archive, "SELECT COUNT(*) FROM tracks") == [(len(distinct),)]
    assert f"150 rows, {len(distinct)} new tracks" in message_text(response)


def test_the_catalogue_keeps_spotifys_details(client, empty_archive, standin):
    client.post(TAKE)
    first = catalogue.TOP_TRACKS["short_term"][0]

    (track,) = rows(
        empty_archive,
        f"SELECT name, artist_name, album_name, duration_ms, spotify_url "  # noqa: S608
        f"FROM tracks WHERE track_id = '{first['id']}'",
    )
    assert track == (
        first["name"],
        ", ".join(artist["name"] for artist in first["artists"]),
        first["album"]["name"],
        first["duration_ms"],
        first["external_urls"]["spotify"],
    )


def test_a_second_snapshot_the_same_day_changes_nothing(client, empty_archive, standin):
    client.post(TAKE)
    before = archives.digest(empty_archive)

    response = client.post(TAKE, follow=True)

    assert archives.digest(empty_archive) == before
    assert "already saved, so nothing changed" in message_text(response)


def test_a_snapshot_reports_what_entered_since_the_last_one(
    client, tmp_path, use_archive, standin
):
    keep = catalogue.TOP_TRACKS["short_term"][:10]
    path = use_archive(
        archives.build(
            tmp_path / "earlier.db",
            [(item["id"], item["name"], "Someone") for item in keep],
            [
                (item["id"], "2020-01-01", "short_term", rank)
                for rank, item in enumerate(keep, 1)
            ],
        )
    )

    response = client.post(TAKE, follow=True)

    assert "40 of your four-week top 50 were not in it on 2020-01-01" in (
        message_text(response)
    )
    assert "10 with updated details" in message_text(response)
    assert rows(path, "SELECT COUNT(*) FROM snapshots") == [(160,)]


def test_a_snapshot_in_the_demo_continues_its_story(client, demo_archive, standin):
    """The demo's lists drift toward the stand-in's, so today's snapshot from
    the stand-in moves four tracks up from the six-month list into the
    four-week one, instead of bringing a whole new top 50."""
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    response = client.post(TAKE, follow=True)

    text = message_text(response)
    assert "150 rows, 0 new tracks in the catalogue" in text
    assert f"4 of your four-week top 50 were not in it on {yesterday}." in text
    assert client.get(reverse("dashboard:home")).context["figures"].turnover_pct == 8


@pytest.mark.parametrize(
    ("kind", "target", "sentence"),
    [
        ("rate_limited", "top_tracks", "try again in 9 seconds"),
        ("quota_exceeded", "top_tracks", "used up its Spotify quota"),
        ("forbidden", "top_tracks", "development mode"),
        ("server_error", "top_tracks", "having trouble right now"),
    ],
)
def test_a_spotify_failure_leaves_the_archive_untouched(
    client, hand_archive, standin, kind, target, sentence
):
    before = archives.digest(hand_archive)
    standin.faults.set(kind, target, retry_after=9)

    response = client.post(TAKE, follow=True)

    assert archives.digest(hand_archive) == before
    text = message_text(response)
    assert sentence in text
    assert "Nothing was saved to the archive." in text


def test_a_grant_spotify_refuses_is_dropped_and_settings_offer_to_connect(
    client, hand_archive, standin
):
    before = archives.digest(hand_archive)
    standin.faults.set("revoked", "top_tracks")

    response = client.post(TAKE, follow=True)

    assert archives.digest(hand_archive) == before
    assert "no longer accepts this sign-in" in message_text(response)
    html = response.content.decode()
    assert "Not connected" in html
    assert "Take a snapshot now" not in html


def test_a_failure_after_the_first_list_saves_nothing(
    client, hand_archive, standin, monkeypatch
):
    from spotify_auth import client as spotify

    before = archives.digest(hand_archive)
    real = spotify.top_tracks

    def flaky(token, time_range, limit=50):
        if time_range == "long_term":
            raise spotify.Unavailable("503")
        return real(token, time_range, limit)

    monkeypatch.setattr(spotify, "top_tracks", flaky)

    client.post(TAKE)

    assert archives.digest(hand_archive) == before


def test_a_missing_archive_is_created_with_the_exact_schema(
    client, missing_archive, standin
):
    response = client.post(TAKE, follow=True)

    schema = rows(missing_archive, "SELECT sql FROM sqlite_master WHERE type='table'")
    assert [" ".join(sql.split()) for (sql,) in schema] == [
        " ".join(statement.split())
        for statement in archives.SCHEMA_SQL.split(";")
        if statement.strip()
    ]
    assert "The archive file was created" in message_text(response)


def test_a_faulty_archive_is_not_written(client, faulty_archive, standin):
    before = faulty_archive.read_bytes()

    response = client.post(TAKE, follow=True)

    assert faulty_archive.read_bytes() == before
    assert "is not a SQLite database" in message_text(response)
    assert standin.state.api_requests["top_tracks"] == 0


def test_a_locked_archive_gets_a_sentence_and_no_rows(
    client, hand_archive, standin, settings
):
    settings.ARCHIVE_BUSY_TIMEOUT = 0.2
    writer = sqlite3.connect(hand_archive, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post(TAKE, follow=True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert "locked by another program" in message_text(response)
    assert rows(hand_archive, "SELECT COUNT(*) FROM snapshots") == [(13,)]


def test_a_snapshot_needs_a_spotify_connection(client, empty_archive, standin):
    client.post(reverse("dashboard:disconnect"))

    response = client.post(TAKE, follow=True)

    assert "Connect Spotify first" in message_text(response)
    assert rows(empty_archive, "SELECT COUNT(*) FROM snapshots") == [(0,)]


def test_taking_a_snapshot_is_post_only(client, empty_archive):
    assert client.get(TAKE).status_code == 405
