"""Download a copy, clear all data, and the CSV export."""

import csv
import io
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import snapshots
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

DOWNLOAD = reverse("dashboard:download")
CLEAR = reverse("dashboard:clear")
CSV = reverse("dashboard:snapshots_csv")


def open_copy(tmp_path, response):
    copy = tmp_path / "downloaded.db"
    copy.write_bytes(b"".join(response.streaming_content))
    return sqlite3.connect(copy)


def count(connection, table):
    return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_a_copy_downloads_with_a_dated_name(client, hand_archive, tmp_path):
    response = client.post(DOWNLOAD)

    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="music_time_machine-{today}.db"'
    )
    copy = open_copy(tmp_path, response)
    assert count(copy, "snapshots") == 13
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_copy_leaves_no_temporary_file_behind(client, hand_archive, tmp_path):
    import tempfile
    from pathlib import Path

    before = set(Path(tempfile.gettempdir()).glob("mtm-copy-*"))
    response = client.post(DOWNLOAD)
    b"".join(response.streaming_content)
    response.close()

    assert set(Path(tempfile.gettempdir()).glob("mtm-copy-*")) == before


def test_a_copy_is_consistent_while_another_program_writes(
    client, hand_archive, tmp_path
):
    writer = sqlite3.connect(hand_archive, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM snapshots")
    try:
        response = client.post(DOWNLOAD)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    # The uncommitted delete is not in the copy: it holds the committed state.
    assert count(open_copy(tmp_path, response), "snapshots") == 13


def test_copies_stay_sound_while_a_process_commits_all_the_time(
    client, hand_archive, tmp_path
):
    script = textwrap.dedent(
        """
        import sqlite3, sys, time
        connection = sqlite3.connect(sys.argv[1], timeout=5)
        connection.execute("PRAGMA journal_mode=WAL")
        end = time.monotonic() + 3
        n = 0
        while time.monotonic() < end:
            with connection:
                connection.execute(
                    "INSERT INTO snapshots VALUES ('t1', ?, 'short_term', 1)",
                    [f"2030-{n:06d}"],
                )
            n += 1
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script, str(hand_archive)])
    try:
        for attempt in range(5):
            response = client.post(DOWNLOAD)
            target = tmp_path / f"copy-{attempt}.db"
            target.write_bytes(b"".join(response.streaming_content))
            copy = sqlite3.connect(target)
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert count(copy, "snapshots") >= 13
            copy.close()
    finally:
        process.wait(timeout=10)
    assert process.returncode == 0


def test_a_copy_of_a_missing_archive_says_so(client, missing_archive):
    response = client.post(DOWNLOAD, follow=True)

    assert "No archive was found" in response.content.decode()
    assert not missing_archive.exists()


def test_the_download_name_takes_nothing_from_the_request(client, hand_archive):
    response = client.post(DOWNLOAD + "?filename=../../etc/passwd", {"path": "/etc"})

    assert "passwd" not in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.db"')


@pytest.mark.parametrize(
    "typed", ["yes", "clear all", "CLEAR ALL DATA", "clear  all data"]
)
def test_clearing_needs_exactly_the_typed_phrase(client, hand_archive, typed):
    before = archives.digest(hand_archive)

    response = client.post(CLEAR, {"confirm": typed})

    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert archives.digest(hand_archive) == before
    assert list(hand_archive.parent.glob("*-backup-*")) == []


def test_clearing_an_empty_archive_changes_nothing_and_writes_no_backup(
    client, empty_archive
):
    before = archives.digest(empty_archive)

    response = client.post(CLEAR, {"confirm": "clear all data"}, follow=True)

    assert "already empty; nothing changed" in response.content.decode()
    assert archives.digest(empty_archive) == before
    assert list(empty_archive.parent.glob("*-backup-*")) == []


def test_clearing_saves_a_backup_first_and_names_it(client, hand_archive):
    original = hand_archive.read_bytes()

    response = client.post(CLEAR, {"confirm": "  clear all data "}, follow=True)

    (backup,) = hand_archive.parent.glob("music_time_machine-backup-*.db")
    text = response.content.decode()
    assert backup.name in text
    assert "Cleared 7 tracks and 13 snapshot rows" in text
    kept = sqlite3.connect(backup)
    assert (count(kept, "tracks"), count(kept, "snapshots")) == (7, 13)
    cleared = sqlite3.connect(hand_archive)
    assert (count(cleared, "tracks"), count(cleared, "snapshots")) == (0, 0)
    assert original != hand_archive.read_bytes()


def test_two_clears_in_one_second_keep_both_backups(hand_archive):
    moment = timezone.localtime()

    first = snapshots.clear(moment)
    refill = sqlite3.connect(hand_archive)
    with refill:
        refill.execute(
            "INSERT INTO tracks (track_id, name, artist_name) VALUES "
            "('t9', 'Again', 'Someone')"
        )
    refill.close()
    second = snapshots.clear(moment)

    assert first.backup != second.backup
    assert first.backup.exists() and second.backup.exists()


def test_nothing_is_cleared_when_no_backup_can_be_written(
    client, hand_archive, monkeypatch
):
    before = archives.digest(hand_archive)

    def refuse(destination, file_path=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshots, "copy_to", refuse)

    response = client.post(CLEAR, {"confirm": "clear all data"})

    assert "nothing was cleared" in response.content.decode()
    assert archives.digest(hand_archive) == before


def test_a_clear_without_csrf_is_refused(client, hand_archive):
    before = archives.digest(hand_archive)

    response = client.raw_post(CLEAR, {"confirm": "clear all data"})

    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert archives.digest(hand_archive) == before


def test_disconnecting_without_csrf_is_refused(client, hand_archive, standin):
    response = client.raw_post(reverse("dashboard:disconnect"))

    assert response.status_code == 403
    assert "spotify_tokens" in client.session


def test_a_copy_is_made_by_post_only(client, hand_archive):
    assert client.get(DOWNLOAD).status_code == 405


def test_disconnecting_clears_the_spotify_tokens(client, hand_archive, standin):
    response = client.post(reverse("dashboard:disconnect"), follow=True)

    assert "Spotify is disconnected" in response.content.decode()
    assert response.context["connected"] is False
    assert "spotify_tokens" not in client.session


def read_csv(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_streams_every_snapshot_row_oldest_first(client, hand_archive):
    response = client.get(CSV)

    assert response.streaming
    lines = read_csv(response)
    assert lines[0] == [
        "snapshot_date",
        "time_range",
        "rank",
        "track_id",
        "name",
        "artist",
    ]
    assert len(lines) == 14
    assert lines[1] == ["2026-01-10", "medium_term", "1", "t4", "Song Four", "Gamma"]


def test_the_csv_defuses_spreadsheet_formulas(client, hostile_archive):
    lines = read_csv(client.get(CSV))
    names = {line[4] for line in lines[1:]}

    assert '\'=HYPERLINK("http://evil.example")' in names
    assert "'+1 Plus" in names
    assert "'-2 Minus" in names
    assert "'@SUM(A1)" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


def test_the_csv_of_a_faulty_archive_is_a_503(client, faulty_archive):
    response = client.get(CSV)

    assert response.status_code == 503


def test_a_csv_cut_short_by_damage_says_so_in_its_last_row(
    client, hand_archive, monkeypatch
):
    from dashboard import archive

    def damaged(batch=2000):
        yield ("2026-01-10", "short_term", 1, "t1", "Song One", "alpha")
        raise archive.ArchiveError("corrupt", "The archive is damaged.")

    monkeypatch.setattr(snapshots, "export_rows", damaged)

    lines = read_csv(client.get(CSV))

    assert lines[1][0] == "2026-01-10"
    assert lines[-1] == ["The export stopped early. The archive is damaged."]


def test_a_guest_can_neither_snapshot_nor_clear_and_is_told_why(
    guest_client, standin, demo_archive
):
    before = archives.digest(demo_archive)
    settings_page = guest_client.get(reverse("dashboard:settings")).text

    assert "Take a snapshot now" not in settings_page
    assert "Clear all data" not in settings_page
    assert "add your Spotify id, <code>demo-listener</code>" in settings_page
    for name, data in (
        ("dashboard:take_snapshot", {}),
        ("dashboard:clear", {"confirm": "clear all data"}),
    ):
        response = guest_client.post(
            reverse(name), {**data, "csrfmiddlewaretoken": guest_client.csrf_token}
        )
        assert response.status_code == 403, name
        assert "may take snapshots or clear data" in response.text
    assert archives.digest(demo_archive) == before
    assert standin.state.api_requests["top_tracks"] == 0


def test_a_csv_download_in_progress_never_holds_up_the_snapshot_program(
    client, demo_archive
):
    import glob
    import tempfile

    copies = os.path.join(tempfile.gettempdir(), "mtm-copy-*")
    before = set(glob.glob(copies))
    response = client.get(CSV)
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)  # the header and the first row: mid-export

    writer = sqlite3.connect(demo_archive, timeout=0.5)
    with writer:
        writer.execute(
            "INSERT INTO snapshots VALUES ('T000000000000000000001', '2099-01-01', "
            "'short_term', 1)"
        )
    writer.close()
    rest = b"".join(chunks).decode()
    response.close()

    assert "2099-01-01" not in rest  # the export reads one committed state
    assert len(rest.splitlines()) > 3000
    assert set(glob.glob(copies)) == before
