"""Every dashboard page in Chromium: no console errors or CSP violations,
charts drawn, a playlist made on the stand-in, and a screenshot of each page
in light and dark saved to screenshots/ at the repository root."""

import sqlite3

import pytest
from django.conf import settings
from django.utils import timezone

from tests.fixtures_browser import problems
from tests.fixtures_spotify import browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "archive"]),
]

SCREENSHOTS = settings.BASE_DIR / "screenshots"

CHARTS_DRAWN = """
() => [...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) {
    if (pixels[i] !== 0) painted += 1;
  }
  return { id: canvas.id, chart: Boolean(chart), painted };
})
"""


def snapshot_rows(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
    finally:
        connection.close()


def a_track_and_two_dates(path):
    connection = sqlite3.connect(path)
    try:
        (track_id,) = connection.execute(
            # The longest-lived track, for a chart with some history.
            "SELECT track_id FROM snapshots GROUP BY track_id "
            "ORDER BY COUNT(DISTINCT time_range) DESC, COUNT(*) DESC LIMIT 1"
        ).fetchone()
        dates = [
            day
            for (day,) in connection.execute(
                "SELECT DISTINCT snapshot_date FROM snapshots ORDER BY 1"
            )
        ]
    finally:
        connection.close()
    return track_id, dates


def pages(live_url, track_id, dates):
    return {
        "home": "/",
        "analytics": "/analytics/?range=all",
        "playlists": "/playlists/",
        "forgotten-gems": "/playlists/forgotten-gems/",
        "recent-discoveries": "/playlists/recent-discoveries/",
        "current-rotation": "/playlists/current-rotation/",
        "time-capsule": f"/playlists/time-capsule/?date={dates[0]}",
        "track": f"/tracks/{track_id}/",
        "compare": "/compare/",
        "settings": "/settings/",
        "clear": "/settings/clear/",
        "not-found": "/no/such/page/",
    }


CHARTS = {
    "home": ["discoveries"],
    "analytics": ["growth", "diversity"],
    "track": ["rank-history"],
}


def test_every_page_loads_cleanly_draws_its_charts_and_is_photographed(
    live_server, live_standin, demo_archive, page
):
    SCREENSHOTS.mkdir(exist_ok=True)
    track_id, dates = a_track_and_two_dates(demo_archive)
    browser_sign_in(page, f"{live_server.url}/")

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        for name, path in pages(live_server.url, track_id, dates).items():
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("load")
            expected = 404 if name == "not-found" else 200
            assert response.status == expected, name

            drawn = page.evaluate(CHARTS_DRAWN)
            assert [chart["id"] for chart in drawn] == CHARTS.get(name, []), name
            for chart in drawn:
                assert chart["chart"], f"{name}: {chart['id']} has no Chart"
                assert chart["painted"] > 500, f"{name}: {chart['id']} is blank"

            background = page.evaluate(
                "getComputedStyle(document.body).backgroundColor"
            )
            assert (background == "rgb(18, 20, 18)") == (scheme == "dark"), name
            page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)

    # The not-found page answers 404 on purpose, which Chromium logs.
    assert problems(page, allow=["/no/such/page/"]) == []


def test_a_playlist_is_made_once_on_a_double_click(
    live_server, live_standin, demo_archive, page
):
    SCREENSHOTS.mkdir(exist_ok=True)
    browser_sign_in(page, f"{live_server.url}/playlists/current-rotation/")
    name = page.get_by_label("Playlist name")
    assert name.input_value().startswith("Current Rotation - ")

    name.fill("From the browser")
    page.get_by_role("button", name="Create playlist").dblclick()
    page.wait_for_url("**/playlists/made/**")

    (playlist,) = live_standin.state.playlists.values()
    assert playlist["name"] == "From the browser"
    assert len(playlist["items"]) == 50
    link = page.get_by_role("link", name="Open “From the browser” in Spotify")
    assert link.get_attribute("href") == playlist["external_urls"]["spotify"]
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=SCREENSHOTS / f"playlist-made-{scheme}.png")
    assert problems(page) == []


def test_a_snapshot_taken_from_settings_reports_what_changed(
    live_server, live_standin, demo_archive, page
):
    today = timezone.localdate().isoformat()
    rows = snapshot_rows(demo_archive)
    browser_sign_in(page, f"{live_server.url}/settings/")

    page.get_by_role("button", name="Take a snapshot now").click()
    page.wait_for_load_state("load")
    # The demo archive ends yesterday; the stand-in has 50 tracks a range.
    assert (
        page.locator(".messages")
        .inner_text()
        .startswith(f"Saved the snapshot of {today}: 150 rows")
    )
    assert snapshot_rows(demo_archive) == rows + 150

    page.get_by_role("button", name="Take a snapshot now").click()
    page.wait_for_load_state("load")
    assert page.locator(".messages").inner_text() == (
        f"Today's snapshot ({today}) was already saved, so nothing changed."
    )
    assert snapshot_rows(demo_archive) == rows + 150
    assert problems(page) == []


def test_the_first_tab_reaches_the_skip_link(
    live_server, live_standin, demo_archive, page
):
    browser_sign_in(page, f"{live_server.url}/")

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


def test_a_phone_sized_screen_needs_no_sideways_scrolling(
    live_server, live_standin, hostile_archive, page
):
    page.set_viewport_size({"width": 375, "height": 740})
    browser_sign_in(page, f"{live_server.url}/")

    for path in ("/", "/playlists/current-rotation/", "/compare/", "/settings/"):
        page.goto(f"{live_server.url}{path}")
        root = "document.documentElement"
        overflow = page.evaluate(f"{root}.scrollWidth - {root}.clientWidth")
        assert overflow <= 0, path
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=SCREENSHOTS / f"phone-{name}-light.png", full_page=True)
    assert problems(page) == []


def test_an_unreadable_archive_gets_a_page_in_the_sites_style(
    live_server, live_standin, faulty_archive, page
):
    SCREENSHOTS.mkdir(exist_ok=True)
    browser_sign_in(page, f"{live_server.url}/settings/")

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        response = page.goto(f"{live_server.url}/")
        assert response.status == 503
        assert "is not a SQLite database" in page.locator(".problem").inner_text()
        page.screenshot(path=SCREENSHOTS / f"archive-problem-{scheme}.png")
    # Chromium reports the page's own 503 status as a console error.
    assert problems(page, allow=["status of 503"]) == []


CONTRAST = """
(selectors) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    if (!element) return [selector, null];
    const [a, b] = [
      luminance(rgb(getComputedStyle(element).color).slice(0, 3)),
      luminance(background(element)),
    ];
    return [selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}
"""
CONTRAST_CHECKS = {
    "/": [
        "h1",
        ".lede",
        ".card-label",
        ".card-note",
        ".card-note a",
        ".site-nav a[aria-current]",
        ".site-nav a:not([aria-current])",
        ".link-button",
        "details.numbers summary",
        ".site-footer p",
    ],
    "/settings/": [
        ".facts dt",
        "button.primary",
        "a.button.danger",
        "button:not(.primary):not(.link-button)",
        ".status-ok",
    ],
}


def test_text_meets_wcag_aa_contrast_in_light_and_dark(
    live_server, live_standin, demo_archive, page
):
    browser_sign_in(page, f"{live_server.url}/")

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path, selectors in CONTRAST_CHECKS.items():
            page.goto(f"{live_server.url}{path}")
            for selector, ratio in page.evaluate(CONTRAST, selectors):
                assert ratio is not None, f"{selector} is not on {path}"
                assert ratio >= 4.5, f"{scheme} {path} {selector}: {ratio:.2f}"
