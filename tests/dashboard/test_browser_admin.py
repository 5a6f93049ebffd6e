"""The admin in Chromium: a staff Spotify account signs in from the admin's
own login page, lists, searches and opens a track, with no console error or
CSP violation, and every page is photographed."""

import pytest
from django.conf import settings

from tests.fixtures_browser import problems
from tests.fixtures_spotify import browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "archive"]),
]

SCREENSHOTS = settings.BASE_DIR / "screenshots"


def test_staff_sign_in_from_the_admin_and_browse_tracks(
    live_server, live_standin, demo_archive, page, settings
):
    settings.SPOTIFY_ADMIN_USERS = ["demo-listener"]
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/admin/dashboard/track/")
    page.get_by_role("link", name="Sign in with Spotify").click()
    browser_sign_in(page, page.url)
    assert page.url == f"{live_server.url}/admin/dashboard/track/"
    assert page.title() == "Select track to view | Music Time Machine admin"
    page.screenshot(path=SCREENSHOTS / "admin-tracks.png", full_page=True)

    listed = page.locator(".paginator").inner_text()
    term = "velvet"  # one of the demo archive's title words
    page.locator("#searchbar").fill(term)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"**/admin/dashboard/track/?q={term}")
    # Each track found names the term in its name, artist or album.
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert rows
    assert all(term.casefold() in row.casefold() for row in rows)
    assert page.locator(".paginator").inner_text() != listed

    page.locator("th.field-name a").first.click()
    page.wait_for_url(lambda url: "/change/" in url)
    assert page.locator("h1").inner_text() == "View track"
    assert page.locator("td.field-snapshot_date").count() > 0
    page.screenshot(path=SCREENSHOTS / "admin-track.png", full_page=True)
    assert page.locator("input[type=submit]").count() == 0
    assert page.locator("div.field-length .readonly").inner_text() != "–"
    page.get_by_role("link", name="Its rank history").click()
    page.wait_for_url(lambda url: "/tracks/" in url)
    assert page.locator("canvas#rank-history").count() == 1
    assert problems(page) == []


def test_a_listener_who_is_not_staff_is_told_so(
    live_server, live_standin, demo_archive, page, settings
):
    settings.SPOTIFY_ADMIN_USERS = []

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Sign in with Spotify").click()
    browser_sign_in(page, page.url)

    assert page.url.startswith(f"{live_server.url}/admin/login/")
    assert "not authorized to access this page" in page.content()
    assert problems(page) == []
