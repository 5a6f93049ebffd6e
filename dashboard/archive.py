"""The archive file as a resource: where it is, whether it is sound, and when
it last changed.

Every fault a real file can have (missing, empty, not a database, a table or
column missing, locked by a writer, corrupt) becomes one `ArchiveError` with a
sentence the person can act on. Nothing here ever writes to the file.
"""

import logging
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

ALIAS = "archive"

# The interface the snapshot program writes; extra columns are tolerated.
SCHEMA = {
    "tracks": (
        "track_id",
        "name",
        "artist_name",
        "album_name",
        "duration_ms",
        "spotify_url",
        "raw_json",
    ),
    "snapshots": ("track_id", "snapshot_date", "time_range", "rank"),
}

SQLITE_HEADER = b"SQLite format 3\x00"

# The snapshot program's schema, verbatim; used to build demo and test files.
SCHEMA_SQL = """
CREATE TABLE tracks (
    track_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    artist_name TEXT NOT NULL,
    album_name TEXT,
    duration_ms INTEGER,
    spotify_url TEXT,
    raw_json TEXT
);
CREATE TABLE snapshots (
    track_id TEXT NOT NULL,
    snapshot_date TEXT NOT NULL,
    time_range TEXT NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (track_id, snapshot_date, time_range),
    FOREIGN KEY (track_id) REFERENCES tracks(track_id)
);
"""


class ArchiveError(Exception):
    """The archive cannot be read; `message` says why in one sentence."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def path():
    """Return the path of the archive the `archive` connection reads."""
    name = connections[ALIAS].settings_dict["NAME"]
    return Path(unquote(name.removeprefix("file:").split("?", 1)[0]))


def uri(file_path):
    return f"file:{quote(str(file_path))}?mode=ro"


def point_at(file_path):
    """Make the `archive` connection read the file at `file_path` from now on."""
    connection = connections[ALIAS]
    # Set the name first: SQLite's wrapper keeps in-memory databases open.
    connection.settings_dict["NAME"] = uri(Path(file_path).resolve())
    connection.close()


def change_marker(file_path=None):
    """Return a cheap value that changes whenever the archive is written.

    The main file's size and modification time move with every commit in
    rollback-journal mode; in WAL mode commits land in the -wal file first.
    """
    file_path = Path(file_path or path())
    marker = [str(file_path)]
    for candidate in (file_path, Path(f"{file_path}-wal")):
        try:
            stat = candidate.stat()
        except FileNotFoundError:
            marker.append(None)
            continue
        except OSError as exc:
            raise unreadable(file_path, exc) from exc
        marker.append((stat.st_size, stat.st_mtime_ns))
    if marker[1] is None:
        raise missing(file_path)
    return tuple(marker)


def missing(file_path):
    return ArchiveError(
        "missing",
        f"No archive was found at {file_path}. Set MUSIC_DB_PATH to your "
        "music_time_machine.db, or take a first snapshot to create one.",
    )


def unreadable(file_path, exc):
    logger.warning("Archive %s cannot be read: %s", file_path, exc)
    return ArchiveError(
        "unreadable",
        f"The archive at {file_path} cannot be opened: check that this "
        "program may read it.",
    )


def connect(file_path=None, timeout=2.0):
    """Open a raw read-only connection; never creates a missing file."""
    file_path = Path(file_path or path())
    if not file_path.exists():
        raise missing(file_path)
    connection = sqlite3.connect(uri(file_path), uri=True, timeout=timeout)
    connection.text_factory = decode_text
    connection.row_factory = text_row
    return connection


def inspect(file_path=None, timeout=2.0):
    """Check the file, its header and its schema; raise ArchiveError if unsound.

    Reads the header bytes and the schema table only, so it stays quick on a
    large archive. Corrupt data pages further in are found by the queries
    that touch them, and classified by `classify`.
    """
    file_path = Path(file_path or path())
    try:
        size = file_path.stat().st_size
        with open(file_path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise missing(file_path) from None
    except OSError as exc:
        raise unreadable(file_path, exc) from exc
    if size == 0:
        raise ArchiveError(
            "empty",
            f"The archive at {file_path} is an empty file (0 bytes): the "
            "snapshot program has not written to it yet.",
        )
    if header != SQLITE_HEADER:
        raise not_a_database(file_path)

    try:
        connection = connect(file_path, timeout=timeout)
        try:
            check_schema(connection, file_path)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise classify(exc, file_path) from exc


def check_schema(connection, file_path):
    tables = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    for table, columns in SCHEMA.items():
        if table not in tables:
            raise ArchiveError(
                "missing_table",
                f"The archive at {file_path} has no '{table}' table, so it was "
                "not written by the snapshot program or is unfinished.",
            )
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        absent = [column for column in columns if column not in present]
        if absent:
            raise ArchiveError(
                "missing_column",
                f"The archive's '{table}' table lacks the column "
                f"'{absent[0]}', so it does not match the snapshot program's "
                "format.",
            )


def not_a_database(file_path):
    return ArchiveError(
        "not_database",
        f"The file at {file_path} is not a SQLite database. Point "
        "MUSIC_DB_PATH at the music_time_machine.db the snapshot program wrote.",
    )


def classify(exc, file_path=None):
    """Turn a database exception raised while reading the archive into an
    ArchiveError with a sentence for the person; log the detail."""
    if isinstance(exc, ArchiveError):
        return exc
    file_path = file_path or path()
    text = str(exc).lower()
    logger.warning("Archive %s failed a read: %s", file_path, exc)
    if "locked" in text or "busy" in text:
        return ArchiveError(
            "locked",
            "The archive is locked by another program that is writing to it "
            "(probably a snapshot in progress). Try again in a few seconds.",
        )
    if "not a database" in text:
        return not_a_database(file_path)
    if "malformed" in text or "corrupt" in text or "disk i/o" in text:
        return ArchiveError(
            "corrupt",
            f"The archive at {file_path} is damaged (SQLite reports a "
            "malformed database image). Restore it from a backup copy; "
            "nothing was changed.",
        )
    if "unable to open" in text:
        if not Path(file_path).exists():
            return missing(file_path)
        return unreadable(file_path, exc)
    if "no such table" in text or "no such column" in text:
        try:
            connection = connect(file_path)
            try:
                check_schema(connection, file_path)
            finally:
                connection.close()
        except ArchiveError as schema_error:
            return schema_error
        except sqlite3.Error:
            pass
    return ArchiveError(
        "unknown",
        "The archive could not be read. The server log has the details.",
    )


def busy_timeout():
    """Return the seconds the archive connection waits for a writer's lock."""
    return connections[ALIAS].settings_dict["OPTIONS"].get("timeout", 2)


def diagnose(exc):
    """Return the ArchiveError behind a failed archive query: what the file
    itself shows first, then what SQLite's message names, then a page check."""
    try:
        inspect(timeout=busy_timeout())
    except ArchiveError as problem:
        return problem
    problem = classify(exc)
    if problem.kind == "unknown":
        return integrity_problem() or problem
    return problem


def diagnosing(execute, sql, params, many, context):
    """Run a query on the archive connection, turning a failure into an
    ArchiveError (Django's database instrumentation hook)."""
    try:
        return execute(sql, params, many, context)
    except (DatabaseError, sqlite3.Error) as exc:
        raise diagnose(exc) from exc


def integrity_problem(file_path=None):
    """Return an ArchiveError if SQLite's quick_check finds damage, else None.

    It reads every page (about a second on a million rows), so it runs only
    after a read has already failed for a reason the message did not name.
    """
    file_path = Path(file_path or path())
    try:
        connection = connect(file_path)
        try:
            rows = connection.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return classify(exc, file_path)
    except ArchiveError as problem:
        return problem
    if rows != [("ok",)]:
        logger.warning("Archive %s fails quick_check: %s", file_path, rows)
        return ArchiveError(
            "corrupt",
            f"The archive at {file_path} is damaged (SQLite's integrity check "
            "failed). Restore it from a backup copy; nothing was changed.",
        )
    return None


def decode_text(value):
    """Decode text from the archive, showing invalid UTF-8 as \ufffd
    rather than failing the whole page over one damaged name."""
    return value.decode("utf-8", "replace")


def text_row(cursor, row):
    """Return the row with BLOB values decoded as text.

    The archive's schema has no BLOB column, but a damaged record header can
    turn a name or a date into one; text keeps every comparison and page
    working and shows the damage instead of failing on it.
    """
    if any(isinstance(value, bytes) for value in row):
        return tuple(
            decode_text(value) if isinstance(value, bytes) else value for value in row
        )
    return row


_sound = {}


def ensure_sound():
    """Raise ArchiveError unless the current archive is readable.

    The check runs once per change of the file, so it costs one `stat` on a
    page view while nothing changes. Return the change marker.
    """
    marker = change_marker()
    if _sound.get(marker[0]) != marker:
        inspect(timeout=busy_timeout())
        _sound[marker[0]] = marker
    return marker


@contextmanager
def reading():
    """Run archive queries, turning any database failure into ArchiveError."""
    try:
        yield
    except ArchiveError:
        raise
    except (DatabaseError, sqlite3.Error) as exc:
        raise classify(exc) from exc


def file_size(file_path=None):
    try:
        return os.path.getsize(file_path or path())
    except OSError:
        return None
