"""Sign-in in Chromium: from a protected page through the stand-in and back."""

import pytest

from tests.fixtures_browser import problems
from tests.fixtures_spotify import browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "archive"]),
]


def test_signing_in_returns_to_the_page_asked_for_and_signing_out_ends_it(
    live_server, live_standin, hand_archive, page
):
    home = f"{live_server.url}/"

    browser_sign_in(page, home)

    assert page.url == home
    assert page.locator("h1").inner_text() == "Your taste over time"
    assert live_standin.state.token_requests["authorization_code"] == 1

    page.goto(f"{live_server.url}/auth/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/auth/")
    assert "You have signed out." in page.content()

    page.goto(home)
    assert page.url == f"{live_server.url}/auth/?next=/"
    assert problems(page) == []


def test_cancelling_on_the_consent_page_signs_nobody_in(
    live_server, live_standin, page
):
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Connect Spotify").click()
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(lambda url: url.startswith(f"{live_server.url}/auth/callback/"))

    assert page.locator("h1").inner_text() == "Sign-in cancelled"
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/auth/?next=/"
    assert live_standin.state.token_requests.total() == 0
    assert problems(page) == []
