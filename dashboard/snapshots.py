"""Writing to the archive: take a snapshot, copy the file, clear it.

This is the only module that opens the archive for writing. Each action is
one transaction on a connection of its own with a busy timeout, so the
snapshot program and the dashboard can share the file. Reads for pages go
through the read-only `archive` connection instead.
"""

import json
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from spotify_auth import client

from . import archive

logger = logging.getLogger(__name__)

TIME_RANGES = ("short_term", "medium_term", "long_term")
TOP = 50
CLEAR_PHRASE = "clear all data"


@dataclass(frozen=True)
class SnapshotReport:
    date: str
    created_archive: bool = False
    rows_added: dict[str, int] = field(default_factory=dict)
    already_there: tuple[str, ...] = ()
    new_tracks: int = 0
    updated_tracks: int = 0
    entered: int | None = None
    previous: str | None = None

    @property
    def changed(self):
        return any(self.rows_added.values())


@dataclass(frozen=True)
class ClearReport:
    backup: Path | None
    tracks: int
    snapshot_rows: int


def _timeout():
    return float(settings.ARCHIVE_BUSY_TIMEOUT)


def _writer(file_path):
    connection = sqlite3.connect(file_path, timeout=_timeout(), isolation_level=None)
    connection.text_factory = archive.decode_text
    return connection


def write_problem(exc, file_path):
    """Return an ArchiveError saying why a write failed; log the detail."""
    if isinstance(exc, archive.ArchiveError):
        return exc
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "permission" in text:
        logger.warning("Archive %s cannot be written: %s", file_path, exc)
        return archive.ArchiveError(
            "read_only",
            f"The archive at {file_path} cannot be written: check that this "
            "program may write to the file and its folder. Nothing was changed.",
        )
    if "disk is full" in text or "no space" in text:
        logger.warning("No space to write %s: %s", file_path, exc)
        return archive.ArchiveError(
            "disk_full",
            "The disk holding the archive is full, so nothing was changed.",
        )
    return archive.classify(exc, file_path)


def track_row(item):
    """Return a `tracks` row for a Spotify track object, as a snapshot saves it."""
    artists = ", ".join(
        artist.get("name") or ""
        for artist in item.get("artists") or []
        if isinstance(artist, dict)
    )
    album = item.get("album") if isinstance(item.get("album"), dict) else {}
    urls = item.get("external_urls")
    url = urls.get("spotify") if isinstance(urls, dict) else None
    duration = item.get("duration_ms")
    return (
        item["id"],
        str(item.get("name") or ""),
        artists,
        album.get("name"),
        duration if isinstance(duration, int) else None,
        url if isinstance(url, str) else None,
        json.dumps(item, ensure_ascii=False),
    )


def fetch(access_token):
    """Return {time_range: [track objects]}; raise client.SpotifyError.

    All three lists are fetched before the archive is opened, so a Spotify
    failure leaves the file as it was.
    """
    return {
        time_range: client.top_tracks(access_token, time_range, limit=TOP)
        for time_range in TIME_RANGES
    }


def take(access_token, today=None):
    """Fetch the top tracks and save them as today's snapshot; return a report.

    A time range already saved today is left as it is, so running this twice
    on one day changes nothing the second time.
    """
    today = (today or timezone.localdate()).isoformat()
    file_path = archive.path()
    created = not file_path.exists()
    if created and not file_path.parent.is_dir():
        raise archive.ArchiveError(
            "no_folder",
            f"The folder {file_path.parent} does not exist, so no archive can "
            "be created there. Check MUSIC_DB_PATH.",
        )
    if not created:
        archive.inspect(file_path, timeout=_timeout())
    lists = fetch(access_token)

    try:
        connection = _writer(file_path)
    except sqlite3.Error as exc:
        raise write_problem(exc, file_path) from exc
    try:
        return _save(connection, lists, today, created)
    except (sqlite3.Error, archive.ArchiveError) as exc:
        raise write_problem(exc, file_path) from exc
    finally:
        connection.close()
        if created and file_path.exists() and file_path.stat().st_size == 0:
            # A first snapshot that failed leaves no empty file behind.
            file_path.unlink()


def _save(connection, lists, today, created):
    connection.execute("BEGIN IMMEDIATE")
    try:
        if created:
            for statement in archive.SCHEMA_SQL.split(";"):
                if statement.strip():
                    connection.execute(statement)
        already = {
            time_range
            for (time_range,) in connection.execute(
                "SELECT DISTINCT time_range FROM snapshots WHERE snapshot_date = ?",
                [today],
            )
        }
        pending = {
            time_range: items
            for time_range, items in lists.items()
            if time_range not in already
        }
        if not any(pending.values()):
            connection.execute("ROLLBACK")
            return SnapshotReport(
                date=today, already_there=tuple(sorted(already & set(TIME_RANGES)))
            )

        new, updated = _upsert_tracks(connection, pending)
        rows_added = {}
        for time_range, items in pending.items():
            rows = [
                (item["id"], today, time_range, rank)
                for rank, item in enumerate(items, start=1)
            ]
            before = connection.total_changes
            # A track Spotify lists twice in one range keeps its first rank.
            connection.executemany(
                "INSERT OR IGNORE INTO snapshots VALUES (?, ?, ?, ?)", rows
            )
            rows_added[time_range] = connection.total_changes - before
        previous, entered = _entered(connection, today, pending.get("short_term"))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    logger.info("Saved snapshot %s: %s rows", today, sum(rows_added.values()))
    return SnapshotReport(
        date=today,
        created_archive=created,
        rows_added=rows_added,
        already_there=tuple(sorted(already & set(TIME_RANGES))),
        new_tracks=new,
        updated_tracks=updated,
        entered=entered,
        previous=previous,
    )


def _upsert_tracks(connection, pending):
    rows = {}
    for items in pending.values():
        for item in items:
            rows[item["id"]] = track_row(item)
    ids = list(rows)
    placeholders = ", ".join("?" * len(ids))
    known = {
        track_id
        for (track_id,) in connection.execute(
            f"SELECT track_id FROM tracks WHERE track_id IN ({placeholders})",  # noqa: S608
            ids,
        )
    }
    before = connection.total_changes
    connection.executemany(
        """
        INSERT INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (track_id) DO UPDATE SET
            name = excluded.name,
            artist_name = excluded.artist_name,
            album_name = excluded.album_name,
            duration_ms = excluded.duration_ms,
            spotify_url = excluded.spotify_url,
            raw_json = excluded.raw_json
        WHERE (name, artist_name, album_name, duration_ms, spotify_url)
              IS NOT (excluded.name, excluded.artist_name, excluded.album_name,
                      excluded.duration_ms, excluded.spotify_url)
        """,
        list(rows.values()),
    )
    new = len(ids) - len(known)
    return new, connection.total_changes - before - new


def _entered(connection, today, short_items):
    """Return the previous short-term date and how many of today's short-term
    tracks were not in it."""
    if not short_items:
        return None, None
    (previous,) = connection.execute(
        "SELECT MAX(snapshot_date) FROM snapshots "
        "WHERE time_range = 'short_term' AND snapshot_date < ?",
        [today],
    ).fetchone()
    if previous is None:
        return None, None
    before = {
        track_id
        for (track_id,) in connection.execute(
            "SELECT track_id FROM snapshots "
            "WHERE time_range = 'short_term' AND snapshot_date = ?",
            [previous],
        )
    }
    return previous, sum(1 for item in short_items if item["id"] not in before)


def copy_to(destination, file_path=None):
    """Copy the archive to `destination` with SQLite's backup API.

    The copy is consistent even while another program writes: the backup
    reads one committed state of the file.
    """
    file_path = Path(file_path or archive.path())
    source = archive.connect(file_path, timeout=_timeout())
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _temporary_copy(file_path):
    """Return the path of a fresh copy of the archive in a temporary file,
    which the caller removes."""
    archive.inspect(file_path, timeout=_timeout())
    handle, temporary = tempfile.mkstemp(suffix=".db", prefix="mtm-copy-")
    os.close(handle)
    try:
        copy_to(temporary, file_path)
    except sqlite3.Error as exc:
        os.unlink(temporary)
        raise archive.classify(exc, file_path) from exc
    return temporary


def download_copy(today=None):
    """Return (open binary file, file name) of a fresh copy of the archive.

    The copy is written to a temporary file that is unlinked at once, so it
    disappears when the response closes the handle.
    """
    file_path = archive.path()
    temporary = _temporary_copy(file_path)
    try:
        copy = open(temporary, "rb")  # noqa: SIM115 - closed by the response
    finally:
        os.unlink(temporary)
    day = (today or timezone.localdate()).isoformat()
    return copy, f"{file_path.stem}-{day}.db"


def export_rows(batch=2000):
    """Yield every snapshot row with its track's name and artist, oldest
    first, `batch` rows at a time.

    The rows come from a private copy: a download can take as long as the
    person's connection makes it, and a statement open on the archive for
    all that time would keep the snapshot program from committing.
    """
    file_path = archive.path()
    temporary = _temporary_copy(file_path)
    try:
        connection = archive.connect(temporary)
        try:
            cursor = connection.execute(
                """
                SELECT row.snapshot_date, row.time_range, row.rank, row.track_id,
                       track.name, track.artist_name
                FROM snapshots AS row
                LEFT JOIN tracks AS track ON track.track_id = row.track_id
                ORDER BY row.snapshot_date, row.time_range, row.rank, row.track_id
                """
            )
            while rows := cursor.fetchmany(batch):
                yield from rows
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise archive.classify(exc, file_path) from exc
    finally:
        os.unlink(temporary)


def _backup_path(file_path, now):
    stamp = now.strftime("%Y-%m-%d-%H%M%S")
    candidate = file_path.with_name(f"{file_path.stem}-backup-{stamp}.db")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = file_path.with_name(f"{file_path.stem}-backup-{stamp}-{counter}.db")
    return candidate


def _make_backup(backup, file_path):
    try:
        copy_to(backup, file_path)
    except (sqlite3.Error, OSError) as exc:
        logger.warning("Could not write the backup %s: %s", backup, exc)
        backup.unlink(missing_ok=True)
        raise archive.ArchiveError(
            "backup_failed",
            f"No backup copy could be written in {backup.parent}, so nothing "
            "was cleared. Check that this program may write to that folder.",
        ) from exc


def clear(now=None):
    """Save a dated backup beside the archive, then delete every row.

    Other writers are held off from the backup to the delete, so the backup
    holds exactly what was cleared. An archive that is already empty is left
    alone, without a backup. Return a ClearReport (`backup` None if empty).
    """
    now = now or timezone.localtime()
    file_path = archive.path()
    archive.inspect(file_path, timeout=_timeout())
    backup = _backup_path(file_path, now)
    try:
        connection = _writer(file_path)
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                rows, catalogue = connection.execute(
                    "SELECT (SELECT COUNT(*) FROM snapshots), "
                    "(SELECT COUNT(*) FROM tracks)"
                ).fetchone()
                if not rows and not catalogue:
                    connection.execute("ROLLBACK")
                    return ClearReport(backup=None, tracks=0, snapshot_rows=0)
                # A second connection reads while this one holds the write lock.
                _make_backup(backup, file_path)
                snapshot_rows = connection.execute("DELETE FROM snapshots").rowcount
                tracks = connection.execute("DELETE FROM tracks").rowcount
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise write_problem(exc, file_path) from exc
    logger.info("Cleared the archive after saving %s", backup)
    return ClearReport(backup=backup, tracks=tracks, snapshot_rows=snapshot_rows)
