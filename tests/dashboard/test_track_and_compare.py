"""The track page and the comparison of two snapshots, on the hand archive.

See tests/archives.py: short-term unless marked,

    2026-01-10  t1 #1, t2 #2, t3 #3        (t4 medium #1)
    2026-02-14  t1 #1, t4 #2, t2 #3
    2026-03-01                             (t5 long #1)
    2026-03-20  t4 #1, t5 #2, t1 #3, t2 #4, t6 #5
"""

import sqlite3

import pytest
from django.urls import reverse

from dashboard import figures

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


def test_a_track_history_has_peak_first_last_and_time_in_the_top_50(hand_archive):
    history = figures.track_history("t4")

    assert history.first_seen == "2026-01-10"
    assert history.last_seen == "2026-03-20"
    assert (history.peak_rank, history.peak_date) == (1, "2026-03-20")
    assert (history.short_snapshots, history.snapshots_since_first) == (2, 3)
    assert history.labels == ["2026-01-10", "2026-02-14", "2026-03-20"]
    assert history.ranks["short_term"] == [None, 2, 1]
    assert history.ranks["medium_term"] == [1, None, None]


def test_a_date_seen_in_another_list_only_joins_the_axis(hand_archive):
    history = figures.track_history("t5")

    assert history.labels == ["2026-03-01", "2026-03-20"]
    assert history.ranks["long_term"] == [1, None]
    assert history.peak_rank == 2


def test_the_track_page_shows_its_figures_and_chart_data(client, hand_archive):
    response = client.get(reverse("dashboard:track", args=["t4"]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Song Four" in html
    assert "#1" in html
    assert 'id="rank-history-data"' in html
    series = {s["label"]: s["data"] for s in response.context["rank_chart"]["series"]}
    assert series["Last 4 weeks"] == [None, 2, 1]


def test_the_rank_table_follows_a_new_snapshot(client, hand_archive):
    url = reverse("dashboard:track", args=["t4"])
    before = client.get(url).content.decode()

    connection = sqlite3.connect(hand_archive)
    with connection:
        connection.execute(
            "INSERT INTO snapshots VALUES ('t4', '2026-04-02', 'short_term', 7)"
        )
    connection.close()
    after = client.get(url).content.decode()

    row = '<tr><th scope="row">2026-04-02</th><td class="num">7</td>'
    assert row not in before
    assert row in after
    assert "Rank history as a table (4 dates)" in after


def test_a_track_in_no_snapshot_has_a_page_without_a_chart(client, hand_archive):
    response = client.get(reverse("dashboard:track", args=["t7"]))

    assert response.status_code == 200
    assert "in no snapshot" in response.content.decode()


def test_an_unknown_track_is_a_404_in_the_sites_style(client, hand_archive):
    response = client.get(reverse("dashboard:track", args=["nope"]))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_track_names_link_to_their_page(client, hand_archive):
    html = client.get(
        reverse("dashboard:playlist_preview", args=["current-rotation"])
    ).content.decode()

    assert f'href="{reverse("dashboard:track", args=["t4"])}">Song Four</a>' in html


def test_compare_defaults_to_the_last_two_snapshots(hand_archive):
    comparison = figures.compare("2026-02-14", "2026-03-20")

    def ids(moves):
        return [move.track.track_id for move in moves]

    assert ids(comparison.entered) == ["t5", "t6"]
    assert ids(comparison.left) == []
    assert ids(comparison.climbed) == ["t4"]
    assert [move.change for move in comparison.fell] == [-2, -1]
    assert ids(comparison.fell) == ["t1", "t2"]


def test_compare_finds_what_left(hand_archive):
    comparison = figures.compare("2026-01-10", "2026-02-14")

    assert [move.track.track_id for move in comparison.left] == ["t3"]
    assert [move.track.track_id for move in comparison.held] == ["t1"]


def test_the_compare_page_uses_the_last_two_snapshots(client, hand_archive):
    response = client.get(reverse("dashboard:compare"))

    comparison = response.context["comparison"]
    assert (comparison.before, comparison.after) == ("2026-02-14", "2026-03-20")
    assert "2 entered, 0 left, 1 climbed, 2 fell" in response.content.decode()


def test_the_compare_page_refuses_a_date_before_the_first_snapshot(
    client, hand_archive
):
    response = client.get(
        reverse("dashboard:compare") + "?before=2026-01-10&after=1999-01-01"
    )

    assert response.context["comparison"] is None
    assert "no snapshot on or before 1999-01-01" in response.content.decode()


def test_the_compare_page_takes_the_snapshot_on_or_before_a_date(client, hand_archive):
    response = client.get(
        reverse("dashboard:compare") + "?before=2026-01-31&after=2026-03-19"
    )

    comparison = response.context["comparison"]
    assert (comparison.before, comparison.after) == ("2026-01-10", "2026-02-14")


def test_dates_given_the_wrong_way_round_compare_from_the_earlier(client, hand_archive):
    response = client.get(
        reverse("dashboard:compare") + "?before=2026-03-20&after=2026-01-10"
    )

    comparison = response.context["comparison"]
    assert (comparison.before, comparison.after) == ("2026-01-10", "2026-03-20")
    # t4, t5 and t6 are in March only; t3 was in January only.
    assert [move.track.track_id for move in comparison.entered] == ["t4", "t5", "t6"]
    assert [move.track.track_id for move in comparison.left] == ["t3"]


def test_a_time_capsule_of_an_empty_archive_says_there_are_no_snapshots(
    client, empty_archive
):
    response = client.get(
        reverse("dashboard:playlist_preview", args=["time-capsule"])
        + "?date=2025-06-04"
    )

    html = response.content.decode()
    assert "There are no snapshots yet." in html
    assert "none yet" not in html


def test_a_time_capsule_of_any_date_uses_the_snapshot_before_it(client, hand_archive):
    response = client.get(
        reverse("dashboard:playlist_preview", args=["time-capsule"])
        + "?date=2026-02-20"
    )

    assert response.context["selection"].date == "2026-02-14"
    assert "There is no snapshot on 2026-02-20" in response.content.decode()
    assert [track.track_id for track in response.context["selection"].tracks] == [
        "t1",
        "t4",
        "t2",
    ]


def test_the_compare_page_needs_two_snapshots(client, empty_archive):
    response = client.get(reverse("dashboard:compare"))

    assert "needs at least two snapshots" in response.content.decode()


def test_an_empty_or_unreadable_date_gets_a_sentence_of_its_own(client, hand_archive):
    empty = client.get(reverse("dashboard:compare") + "?before=&after=2026-03-20")
    odd = client.get(reverse("dashboard:compare") + "?before=soon&after=2026-03-20")

    assert "Pick a date." in empty.content.decode()
    assert "Give a date as YYYY-MM-DD." in odd.content.decode()
    assert empty.context["comparison"] is None and odd.context["comparison"] is None
