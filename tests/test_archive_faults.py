"""Every archive fault gives pages, the admin and the stats command a clear
sentence, never a 500 or a traceback, and leaves the file exactly as it was."""

import html
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from dashboard import demo
from dashboard.archive import SCHEMA_SQL
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

SCHEMA_WITHOUT_SNAPSHOTS = SCHEMA_SQL.split("CREATE TABLE snapshots")[0]
SCHEMA_WITHOUT_RANK = (
    SCHEMA_SQL.replace("rank INTEGER NOT NULL,", "")
    .replace(
        "PRIMARY KEY (track_id, snapshot_date, time_range),",
        "PRIMARY KEY (track_id, snapshot_date, time_range)",
    )
    .replace("FOREIGN KEY (track_id) REFERENCES tracks(track_id)", "")
)


def make_missing(path):
    return path


def make_empty(path):
    path.write_bytes(b"")
    return path


def make_not_a_database(path):
    path.write_text("track_id,name\n1,This is a CSV file, not SQLite\n")
    return path


def make_missing_table(path):
    return archives.build(
        path, [("t1", "Song", "Artist")], schema=SCHEMA_WITHOUT_SNAPSHOTS
    )


def make_missing_column(path):
    return archives.build(path, schema=SCHEMA_WITHOUT_RANK)


def make_corrupt(path):
    """A real archive whose data pages (all but the schema page) are garbage."""
    demo.write(path, "small")
    with open(path, "r+b") as handle:
        page_size = int.from_bytes(handle.read(18)[16:18], "big")
        size = path.stat().st_size
        handle.seek(page_size)
        handle.write(bytes((7 * i) % 251 for i in range(size - page_size)))
    return path


FAULTS = {
    "missing": (make_missing, "No archive was found"),
    "empty": (make_empty, "is an empty file (0 bytes)"),
    "not_database": (make_not_a_database, "is not a SQLite database"),
    "missing_table": (make_missing_table, "has no 'snapshots' table"),
    "missing_column": (make_missing_column, "lacks the column 'rank'"),
    "corrupt": (make_corrupt, "is damaged"),
}


@pytest.fixture(params=sorted(FAULTS))
def faulty(request, tmp_path, use_archive):
    make, sentence = FAULTS[request.param]
    path = make(tmp_path / "music_time_machine.db")
    use_archive(path)
    return request.param, path, sentence, archives.digest(path)


def test_pages_say_what_is_wrong(reader_client, faulty):
    kind, path, sentence, before = faulty

    response = reader_client.get("/")

    assert response.status_code == 503
    assert sentence in html.unescape(response.text)
    assert f'data-kind="{kind}"' in response.text
    assert "Traceback" not in response.text
    assert archives.digest(path) == before


def test_the_admin_says_what_is_wrong(reader_client, faulty):
    kind, path, sentence, before = faulty

    response = reader_client.get("/admin/dashboard/track/")

    assert response.status_code == 503
    assert sentence in html.unescape(response.text)
    assert archives.digest(path) == before


def run_stats(*args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "false",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "stats", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_stats_command_exits_non_zero_with_one_line(faulty):
    kind, path, sentence, before = faulty

    result = run_stats("--db", str(path))

    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert sentence in lines[0]
    assert "Traceback" not in result.stderr
    assert "MUSIC_DB_PATH" not in result.stderr  # the file came from --db
    assert archives.digest(path) == before


def test_stats_with_v2_adds_the_kind_and_path(tmp_path):
    missing = tmp_path / "nowhere.db"

    result = run_stats("--db", str(missing), "-v", "2")

    assert result.returncode == 1
    assert "Set --db to your music_time_machine.db" in result.stderr
    assert f"(missing: {missing})" in result.stderr
    assert not missing.exists()


@pytest.fixture
def locked_archive(hand_archive):
    """Hold a write lock on the archive from another connection, as the
    snapshot program does while it commits, for longer than the busy timeout."""
    options = connections["archive"].settings_dict["OPTIONS"]
    original_timeout = options.get("timeout")
    options["timeout"] = 0.2
    connections["archive"].close()
    writer = sqlite3.connect(hand_archive, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    yield hand_archive
    writer.execute("ROLLBACK")
    writer.close()
    options["timeout"] = original_timeout
    connections["archive"].close()


def test_a_locked_archive_is_reported_as_locked(reader_client, locked_archive):
    before = archives.digest(locked_archive)

    response = reader_client.get("/")
    admin_response = reader_client.get("/admin/dashboard/track/")

    for page in (response, admin_response):
        assert page.status_code == 503
        assert "locked by another program" in page.text
    assert archives.digest(locked_archive) == before


def test_the_stats_command_reports_a_lock(hand_archive):
    writer = sqlite3.connect(hand_archive, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        env = {**os.environ, "ARCHIVE_BUSY_TIMEOUT": "0.2"}
        result = subprocess.run(
            [sys.executable, "manage.py", "stats", "--db", str(hand_archive)],
            cwd=settings.BASE_DIR,
            env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert result.returncode != 0
    assert "locked by another program" in result.stderr


def test_a_page_waits_out_a_short_lock(reader_client, hand_archive):
    """A lock shorter than the busy timeout is waited for, not reported."""
    writer = sqlite3.connect(
        hand_archive, isolation_level=None, check_same_thread=False
    )
    writer.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.3, lambda: writer.execute("ROLLBACK"))
    release.start()
    try:
        response = reader_client.get("/")
    finally:
        release.join()
        writer.close()

    assert response.status_code == 200


def test_reading_never_creates_a_missing_archive(reader_client, tmp_path, use_archive):
    path = use_archive(tmp_path / "nothing-here.db")

    reader_client.get("/")
    reader_client.get("/admin/dashboard/track/")
    run_stats("--db", str(path))

    assert sorted(os.listdir(tmp_path)) == []


def test_the_stats_json_matches_the_hand_worked_figures(hand_archive):
    """See tests/test_figures.py for how each number is worked out."""
    import json

    result = run_stats("--json", "--db", str(hand_archive))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "tracks_tracked": 7,
        "snapshots_taken": 3,
        "turnover_pct": 40,
        "consistent_artist": "Beta",
        "consistent_appearances": 3,
        "discoveries": [["Jan 2026", 3], ["Feb 2026", 0], ["Mar 2026", 1]],
    }


def test_the_stats_table_reads_well(hand_archive):
    result = run_stats("--db", str(hand_archive))

    assert result.returncode == 0
    assert "Tracks tracked          7" in result.stdout
    assert "Track turnover          40% of the latest snapshot is new" in result.stdout
    assert "Beta (in 3 of 3 snapshots)" in result.stdout
    assert "Feb 2026      0" in result.stdout
    assert Path(hand_archive).exists()


@pytest.mark.parametrize(
    "message", ["database is locked", "no such table: mtm_shared_cache"]
)
def test_a_failure_of_djangos_own_database_is_not_blamed_on_the_archive(
    hand_archive, message
):
    """Only queries on the archive connection are diagnosed as archive faults;
    this error came from elsewhere and the file is sound, so it is a 500."""
    from django.db import OperationalError
    from django.test import RequestFactory

    from dashboard.middleware import ArchiveErrorMiddleware

    request = RequestFactory().get("/")
    middleware = ArchiveErrorMiddleware(lambda request: None)

    assert middleware.process_exception(request, OperationalError(message)) is None
