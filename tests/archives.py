"""Build real archive files from the snapshot program's schema."""

import sqlite3
from pathlib import Path

from dashboard.archive import SCHEMA_SQL


def build(path, tracks=(), snapshots=(), schema=SCHEMA_SQL):
    """Write an archive at `path`.

    `tracks` holds (track_id, name, artist_name) or full seven-column rows;
    `snapshots` holds (track_id, snapshot_date, time_range, rank) rows.
    """
    path = Path(path)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(schema)
        with connection:
            for row in tracks:
                if len(row) == 3:
                    track_id = row[0]
                    row = (
                        *row,
                        f"Album of {row[1]}",
                        200_000,
                        f"https://open.spotify.com/track/{track_id}",
                        "{}",
                    )
                connection.execute(
                    "INSERT INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?)", row
                )
            if snapshots:
                connection.executemany(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?)", snapshots
                )
    finally:
        connection.close()
    return path


def digest(path):
    """Return the bytes of the archive and its side files, to prove them unchanged."""
    path = Path(path)
    files = {}
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        files[candidate.name] = candidate.read_bytes() if candidate.exists() else None
    return files


# A small archive whose figures are worked out by hand in test_figures.py.
HAND_TRACKS = [
    ("t1", "Song One", "alpha"),
    ("t2", "Song Two", "Beta"),
    ("t3", "Song Three", "alpha"),
    ("t4", "Song Four", "Gamma"),
    ("t5", "Song Five", "beta"),
    ("t6", "Song Six", "Delta"),
    ("t7", "Never Played", "Epsilon"),
]
HAND_SNAPSHOTS = [
    ("t1", "2026-01-10", "short_term", 1),
    ("t2", "2026-01-10", "short_term", 2),
    ("t3", "2026-01-10", "short_term", 3),
    ("t4", "2026-01-10", "medium_term", 1),
    ("t1", "2026-02-14", "short_term", 1),
    ("t4", "2026-02-14", "short_term", 2),
    ("t2", "2026-02-14", "short_term", 3),
    ("t5", "2026-03-01", "long_term", 1),
    ("t4", "2026-03-20", "short_term", 1),
    ("t5", "2026-03-20", "short_term", 2),
    ("t1", "2026-03-20", "short_term", 3),
    ("t2", "2026-03-20", "short_term", 4),
    ("t6", "2026-03-20", "short_term", 5),
]
