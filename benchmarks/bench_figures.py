"""Time the home figures against the Flask version's queries, on one file.

    .venv/bin/python benchmarks/bench_figures.py [--archive PATH] [--repeat N]

The reference is the set of SQL statements the original Flask dashboard ran
for its home page (tracks count, turnover, snapshot count, most-consistent
artist, discoveries per month), issued here on a plain sqlite3 connection.
Both sides run in this process on the same file, alternately, and the
medians and their ratio are printed. It also times the cached path and the
`stats` command end to end.
"""

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

from common import ROOT, million_archive, ms, setup_django, timed

# The Flask version's home-page statements, reproduced for measurement only.
REFERENCE_QUERIES = [
    "SELECT COUNT(*) FROM tracks",
    """
    WITH latest AS (
        SELECT track_id FROM snapshots
        WHERE time_range = 'short_term' AND snapshot_date = (
            SELECT MAX(snapshot_date) FROM snapshots
            WHERE time_range = 'short_term')
    ),
    previous AS (
        SELECT track_id FROM snapshots
        WHERE time_range = 'short_term' AND snapshot_date = (
            SELECT MAX(snapshot_date) FROM snapshots
            WHERE time_range = 'short_term' AND snapshot_date < (
                SELECT MAX(snapshot_date) FROM snapshots
                WHERE time_range = 'short_term'))
    )
    SELECT COUNT(*), SUM(CASE WHEN p.track_id IS NULL THEN 1 ELSE 0 END)
    FROM latest l LEFT JOIN previous p ON p.track_id = l.track_id
    """,
    """
    SELECT COUNT(DISTINCT snapshot_date) FROM snapshots
    WHERE time_range = 'short_term'
    """,
    """
    SELECT t.artist_name, COUNT(DISTINCT s.snapshot_date) AS appearances
    FROM tracks t JOIN snapshots s ON s.track_id = t.track_id
    WHERE s.time_range = 'short_term'
    GROUP BY t.artist_name ORDER BY appearances DESC LIMIT 1
    """,
    """
    SELECT strftime('%Y-%m', s.snapshot_date) AS month, COUNT(*)
    FROM snapshots s
    WHERE s.time_range = 'short_term' AND NOT EXISTS (
        SELECT 1 FROM snapshots earlier
        WHERE earlier.track_id = s.track_id
          AND earlier.snapshot_date < s.snapshot_date)
    GROUP BY month ORDER BY month
    """,
]


def reference(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [connection.execute(sql).fetchall() for sql in REFERENCE_QUERIES]
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, help="Archive to read.")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    setup_django()
    from django.core.cache import cache

    from dashboard import archive, figures

    path = (options.archive or million_archive()).resolve()
    archive.point_at(path)
    rows = sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute(
        "SELECT COUNT(*) FROM snapshots"
    )
    print(f"archive: {path} ({rows.fetchone()[0]} snapshot rows)")

    def ours_uncached():
        cache.clear()
        return figures.home()

    reference(path)  # warm the OS page cache for both sides
    ours_uncached()
    flask_s, ours_s = [], []
    for _ in range(options.repeat):
        flask_s.append(timed(lambda: reference(path), repeat=1)[0])
        ours_s.append(timed(ours_uncached, repeat=1)[0])
    flask, ours = sorted(flask_s)[len(flask_s) // 2], sorted(ours_s)[len(ours_s) // 2]
    cached, home = timed(figures.home, repeat=options.repeat * 4)

    stats_s, _ = timed(
        lambda: subprocess.run(
            [sys.executable, "manage.py", "stats", "--db", str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ),
        repeat=3,
    )

    print(f"Flask version's home queries (median of {options.repeat}): {ms(flask)}")
    print(f"figures.home(), archive changed (median):  {ms(ours)}")
    print(f"ratio ours / Flask:                        {ours / flask:8.2f}")
    print(f"figures.home(), archive unchanged:         {ms(cached)}")
    print(f"manage.py stats, whole process (median):   {ms(stats_s)}")
    print(
        f"figures: {home.tracks_tracked} tracks, {home.snapshots_taken} snapshots, "
        f"turnover {home.turnover_pct}%"
    )


if __name__ == "__main__":
    main()
