"""The settings page's actions and the compare form, clicked in Chromium
against the stand-in: download a copy and the CSV, compare two dates,
clear all data behind its typed confirmation, and disconnect Spotify."""

import sqlite3

import pytest

from tests import archives
from tests.fixtures_browser import problems
from tests.fixtures_spotify import browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "archive"]),
]


def count(path, sql):
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def test_a_copy_and_the_csv_download_from_settings(
    live_server, live_standin, demo_archive, page, tmp_path
):
    before = archives.digest(demo_archive)
    browser_sign_in(page, f"{live_server.url}/settings/")

    with page.expect_download() as copy:
        page.get_by_role("button", name="Download a copy").click()
    copy_path = tmp_path / copy.value.suggested_filename
    copy.value.save_as(copy_path)
    with page.expect_download() as table:
        page.get_by_role("link", name="Download the snapshots as CSV").click()
    csv_path = tmp_path / table.value.suggested_filename
    table.value.save_as(csv_path)

    rows = count(demo_archive, "SELECT COUNT(*) FROM snapshots")
    assert copy_path.suffix == ".db"
    assert count(copy_path, "SELECT COUNT(*) FROM snapshots") == rows
    assert len(csv_path.read_text(encoding="utf-8").splitlines()) == rows + 1
    assert archives.digest(demo_archive) == before
    assert problems(page) == []


def test_comparing_two_dates_lists_what_moved(
    live_server, live_standin, demo_archive, page
):
    browser_sign_in(page, f"{live_server.url}/compare/")

    page.get_by_label("From snapshot").fill("2025-06-01")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state("load")

    lede = page.locator(".lede").inner_text()
    assert "entered" in lede and "left" in lede
    assert problems(page) == []


def test_clearing_needs_the_phrase_then_backs_up_and_clears(
    live_server, live_standin, demo_archive, page
):
    rows = count(demo_archive, "SELECT COUNT(*) FROM snapshots")
    browser_sign_in(page, f"{live_server.url}/settings/")
    page.get_by_role("link", name="Clear all data…").click()

    page.get_by_role("textbox").fill("clear everything")
    page.get_by_role("button", name="Clear all data").click()
    page.wait_for_load_state("load")
    assert page.locator("[role=alert]").count() == 1
    assert count(demo_archive, "SELECT COUNT(*) FROM snapshots") == rows
    # The refused form answers 400, which Chromium logs as a failed load.
    assert problems(page, allow=["status of 400"]) == []
    page.problems.clear()

    page.get_by_role("textbox").fill("clear all data")
    page.get_by_role("button", name="Clear all data").click()
    page.wait_for_load_state("load")

    backups = [p for p in demo_archive.parent.iterdir() if p != demo_archive]
    backups = [p for p in backups if p.suffix == ".db"]
    assert len(backups) == 1
    assert backups[0].name in page.locator(".messages").inner_text()
    assert count(backups[0], "SELECT COUNT(*) FROM snapshots") == rows
    assert count(demo_archive, "SELECT COUNT(*) FROM snapshots") == 0
    assert problems(page) == []


def test_disconnecting_spotify_keeps_the_archive(
    live_server, live_standin, demo_archive, page
):
    before = archives.digest(demo_archive)
    browser_sign_in(page, f"{live_server.url}/settings/")

    page.get_by_role("button", name="Disconnect Spotify").click()
    page.wait_for_load_state("load")

    assert "disconnected" in page.locator(".messages").inner_text()
    assert archives.digest(demo_archive) == before
    assert problems(page) == []
