import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_landing_page_renders_in_chromium(live_server, page):
    page.goto(f"{live_server.url}/auth/")
    assert page.locator("h1").inner_text() == "Music Time Machine"
    assert page.problems == []
