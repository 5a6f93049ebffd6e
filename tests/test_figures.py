"""Figures on a hand-made archive; every expected number is worked out here.

The archive (tests/archives.py), short-term rows unless marked:

    2026-01-10  t1 alpha, t2 Beta, t3 alpha        (+ t4 Gamma, medium)
    2026-02-14  t1 alpha, t4 Gamma, t2 Beta
    2026-03-01                                      (t5 beta, long only)
    2026-03-20  t4 Gamma, t5 beta, t1 alpha, t2 Beta, t6 Delta

and t7 is in the catalogue but in no snapshot.
"""

import pytest

from dashboard import figures

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


def test_it_counts_every_catalogue_row_as_tracked(hand_archive):
    # t1..t7, including t7 which no snapshot mentions.
    assert figures.home().tracks_tracked == 7


def test_it_counts_only_short_term_dates_as_snapshots(hand_archive):
    # 2026-03-01 has a long-term row only, so three dates remain.
    home = figures.home()
    assert home.snapshots_taken == 3
    assert home.latest_snapshot == "2026-03-20"


def test_turnover_is_the_share_of_the_latest_snapshot_that_is_new(hand_archive):
    # Latest {t4, t5, t1, t2, t6}, before {t1, t4, t2}: t5 and t6 are new,
    # 2 of 5 = 40 %.
    assert figures.home().turnover_pct == 40


def test_turnover_needs_two_snapshots(tmp_path, use_archive):
    from tests import archives

    use_archive(
        archives.build(
            tmp_path / "one.db",
            [("t1", "Only", "Solo")],
            [("t1", "2026-01-01", "short_term", 1)],
        )
    )
    assert figures.home().turnover_pct is None


def test_rows_of_tracks_missing_from_the_catalogue_are_left_out(tmp_path, use_archive):
    from tests import archives

    use_archive(
        archives.build(
            tmp_path / "orphans.db",
            [("t1", "Kept", "Solo"), ("t2", "New", "Duo")],
            [
                ("t1", "2026-01-01", "short_term", 1),
                ("gone", "2026-01-01", "short_term", 2),
                ("t1", "2026-02-01", "short_term", 1),
                ("t2", "2026-02-01", "short_term", 2),
                ("lost", "2026-02-01", "short_term", 3),
            ],
        )
    )

    home = figures.home()
    # Latest {t1, t2} ("lost" left out), before {t1}: 1 of 2 = 50 %; counting
    # "lost" would make it 2 of 3.
    assert home.turnover_pct == 50
    # Jan: t1 ("gone" left out). Feb: t2 ("lost" left out).
    assert home.discoveries == [("Jan 2026", 1), ("Feb 2026", 1)]


def test_a_tie_for_most_consistent_artist_goes_to_binary_name_order(hand_archive):
    # alpha: Jan, Feb, Mar = 3 dates; Beta: Jan, Feb, Mar = 3 dates.
    # Binary order puts "Beta" (B = 66) before "alpha" (a = 97).
    consistent = figures.home().consistent
    assert (consistent.artist, consistent.snapshots) == ("Beta", 3)


def test_discoveries_count_first_appearances_in_any_range(hand_archive):
    # Jan: t1, t2, t3 are new. Feb: t4 was seen in January (medium), so none.
    # Mar: t5 was seen on 2026-03-01 (long); t6 is new. Feb shows as 0.
    assert figures.home().discoveries == [
        ("Jan 2026", 3),
        ("Feb 2026", 0),
        ("Mar 2026", 1),
    ]


def test_artist_diversity_counts_distinct_artists_per_snapshot(hand_archive):
    # Jan: alpha, Beta. Feb: alpha, Gamma, Beta. Mar: Gamma, beta, alpha,
    # Beta, Delta.
    assert figures.analytics("all").diversity == [
        ("2026-01-10", 2),
        ("2026-02-14", 3),
        ("2026-03-20", 5),
    ]


def test_artists_tied_with_the_tenth_are_counted(tmp_path, use_archive):
    from tests import archives

    # Twelve artists, one track each, all on both dates: a twelve-way tie.
    tracks = [(f"t{n:02d}", f"Song {n}", f"Artist {n:02d}") for n in range(12)]
    rows = [
        (track_id, day, "short_term", rank)
        for day in ("2026-01-01", "2026-02-01")
        for rank, (track_id, _, _) in enumerate(tracks, start=1)
    ]
    use_archive(archives.build(tmp_path / "ties.db", tracks, rows))

    analytics = figures.analytics("all")

    assert [a.artist for a in analytics.top_artists] == [
        f"Artist {n:02d}" for n in range(10)
    ]
    assert analytics.tied_beyond == 2


def test_home_and_analytics_name_the_same_most_consistent_artists(
    tmp_path, use_archive
):
    from dashboard import demo

    demo.write(tmp_path / "demo.db", "small")
    use_archive(tmp_path / "demo.db")

    top = figures.analytics("all").top_artists
    assert figures.home().consistent == top[0]
    assert figures.consistent_artists(limit=10) == top


def test_top_artists_are_ordered_by_dates_then_binary_name(hand_archive):
    top = figures.analytics("all").top_artists
    assert [(artist.artist, artist.snapshots) for artist in top] == [
        ("Beta", 3),
        ("alpha", 3),
        ("Gamma", 2),
        ("Delta", 1),
        ("beta", 1),
    ]


def test_catalogue_growth_keeps_a_running_total(hand_archive):
    assert figures.analytics("all").growth == [
        ("Jan 2026", 3, 3),
        ("Feb 2026", 0, 3),
        ("Mar 2026", 1, 4),
    ]


def test_a_range_counts_from_the_latest_snapshot(hand_archive):
    # 1 month would be too short a test; 6m from 2026-03-20 starts 2025-09-21,
    # which still holds all three snapshots.
    analytics = figures.analytics("6m")
    assert analytics.since == "2025-09-21"
    assert analytics.snapshots_in_range == 3


@pytest.mark.parametrize(
    ("code", "latest", "start"),
    [
        ("6m", "2026-03-20", "2025-09-21"),
        ("12m", "2026-03-31", "2025-04-01"),
        ("24m", "2026-03-20", "2024-03-21"),
        ("6m", "2026-08-31", "2026-03-01"),
        ("all", "2026-03-20", None),
        ("bogus", "2026-03-20", "2025-03-21"),
        ("", "2026-03-20", "2025-03-21"),
        ("6m", None, None),
        ("6m", "not a date", None),
        # A damaged archive's date so early that the range starts before year 1.
        ("12m", "0001-10-01", None),
    ],
)
def test_range_start(code, latest, start):
    assert figures.range_start(code, latest) == start


def test_an_unknown_range_means_twelve_months():
    assert figures.parse_range("7y") == "12m"
    assert figures.parse_range("6m") == "6m"


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(1, 8, 13), (1, 3, 33), (2, 3, 67), (0, 5, 0), (5, 5, 100), (1, 200, 1)],
)
def test_whole_percent_rounds_half_up(part, whole, percent):
    assert figures.whole_percent(part, whole) == percent


def test_an_empty_archive_has_zero_figures_and_no_turnover(empty_archive):
    home = figures.home()
    assert home.tracks_tracked == 0
    assert home.snapshots_taken == 0
    assert home.turnover_pct is None
    assert home.consistent is None
    assert home.discoveries == []


def test_figures_are_cached_until_the_archive_changes(hand_archive):
    import sqlite3

    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    assert figures.home().tracks_tracked == 7
    analytics = figures.analytics("all")
    with CaptureQueriesContext(connections["archive"]) as again:
        assert figures.home().tracks_tracked == 7
        assert figures.analytics("all") == analytics
    assert len(again) == 0
    connection = sqlite3.connect(hand_archive)
    with connection:
        connection.execute(
            "INSERT INTO tracks VALUES ('t8', 'New', 'Zeta', NULL, NULL, NULL, NULL)"
        )
    connection.close()
    assert figures.home().tracks_tracked == 8
