"""Time every dashboard page's server side on the million-row archive.

    .venv/bin/python benchmarks/bench_pages.py [--archive PATH] [--repeat N]
        [--csv]

Requests go through Django's test client in this process: the whole
middleware stack, session and user lookups, figures, templates. Each request
opens a fresh archive connection, as a real one does. "Changed" bumps the
archive's modification time before every request, so the change marker moves
and nothing cached can be used; "unchanged" repeats the request with the
archive left alone. For home and analytics the Flask version's queries for
the same page are timed on a plain sqlite3 connection as the reference,
alternating with the changed-archive requests so both see the same machine,
and the ratio of the two medians is printed.
"""

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench_figures import REFERENCE_QUERIES
from common import million_archive, ms, setup_django

# The Flask version's analytics statements, for measurement only.
FLASK_ANALYTICS = [
    """
    SELECT COUNT(DISTINCT t.artist_name)
    FROM tracks t JOIN snapshots s ON s.track_id = t.track_id
    WHERE s.time_range = 'short_term'
    """,
    """
    SELECT t.artist_name, COUNT(DISTINCT s.snapshot_date) AS appearances
    FROM tracks t JOIN snapshots s ON s.track_id = t.track_id
    WHERE s.time_range = 'short_term'
    GROUP BY t.artist_name ORDER BY appearances DESC LIMIT 10
    """,
]


def flask_run(path, queries):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for sql in queries:
            connection.execute(sql).fetchall()
    finally:
        connection.close()


def alternately(page, reference, repeat, before):
    """Return the medians of `page` (after `before`) and `reference`, run in
    turn, so that both meet the same load on the machine."""
    pages, references = [], []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        page()
        pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        reference()
        references.append(time.perf_counter() - started)
    return statistics.median(pages), statistics.median(references)


def median_of(function, repeat, before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def touch(path):
    """Move the archive's modification time on, as a write would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def sample(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # The longest-lived track: the biggest chart and table there is.
        (track_id,) = connection.execute(
            "SELECT track_id FROM snapshots GROUP BY track_id "
            "ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
        (first_date,) = connection.execute(
            "SELECT MIN(snapshot_date) FROM snapshots"
        ).fetchone()
        (rows,) = connection.execute("SELECT COUNT(*) FROM snapshots").fetchone()
    finally:
        connection.close()
    return track_id, first_date, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, help="Archive to read.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--csv", action="store_true", help="Also time the full CSV export."
    )
    options = parser.parse_args()

    # Sessions and users go to a throwaway database, never the real one.
    scratch = Path(tempfile.mkdtemp(prefix="mtm-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'default.db'}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from dashboard import archive

    path = (options.archive or million_archive()).resolve()
    archive.point_at(path)
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.create_user("bench"))

    track_id, first_date, rows = sample(path)
    print(f"archive: {path} ({rows} snapshot rows)")
    pages = {
        "home": ("/", REFERENCE_QUERIES),
        "analytics 12m": ("/analytics/", FLASK_ANALYTICS),
        "analytics all": ("/analytics/?range=all", FLASK_ANALYTICS),
        "playlists": ("/playlists/", None),
        "forgotten gems": ("/playlists/forgotten-gems/", None),
        "recent discoveries": ("/playlists/recent-discoveries/", None),
        "current rotation": ("/playlists/current-rotation/", None),
        "time capsule": (f"/playlists/time-capsule/?date={first_date}", None),
        "track": (f"/tracks/{track_id}/", None),
        "compare": ("/compare/", None),
        "settings": ("/settings/", None),
    }

    print(
        f"{'page':<20} {'changed':>11} {'unchanged':>11} {'Flask queries':>14}"
        f" {'ratio':>6}   (medians of {options.repeat})"
    )
    for name, (url, flask_queries) in pages.items():

        def get(url=url, name=name):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {response.status_code}")
            return response

        get()
        if flask_queries:
            cold, flask = alternately(
                get,
                lambda queries=flask_queries: flask_run(path, queries),
                options.repeat,
                before=lambda: touch(path),
            )
            reference = f"{ms(flask):>14} {cold / flask:6.2f}"
        else:
            cold = median_of(get, options.repeat, before=lambda: touch(path))
            reference = f"{'–':>14} {'':>6}"
        warm = median_of(get, options.repeat * 2)
        print(f"{name:<20} {ms(cold)} {ms(warm)} {reference}")

    if options.csv:

        def export():
            response = client.get("/snapshots.csv")
            return sum(len(chunk) for chunk in response.streaming_content)

        started = time.perf_counter()
        size = export()
        print(
            f"CSV export: {size / 1e6:.1f} MB in "
            f"{time.perf_counter() - started:.2f} s (streamed)"
        )


if __name__ == "__main__":
    main()
