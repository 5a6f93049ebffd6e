"""Chromium through Playwright, for tests that drive real pages.

Debian's Chromium is used (Playwright's own browser download does not work
here). Each page records console errors and CSP violations, and a test can
assert that none happened with `page.problems`.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup --test to install it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page; `page.problems` lists console
    errors, page errors and CSP violations seen while the test ran."""
    context = browser.new_context()
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(
                f"console {message.type}: {message.text} "
                f"at {message.location.get('url', '')}"
            )
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.problems = problems
    yield page
    context.close()


def problems(page, allow=()):
    """Return the page's problems, less those naming any text in `allow`
    (a page that answers 404 on purpose is logged as a failed load)."""
    return [
        problem
        for problem in page.problems
        if not any(allowed in problem for allowed in allow)
    ]
