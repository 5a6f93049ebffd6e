"""The read-only admin over tracks, on real archive files."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test.utils import CaptureQueriesContext

from dashboard import demo
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", password="unused-pw")
    client.force_login(user)
    return client


def test_it_lists_tracks_with_snapshot_count_and_best_rank(admin_client, hand_archive):
    response = admin_client.get("/admin/dashboard/track/")

    assert response.status_code == 200
    rows = {track.track_id: track for track in response.context["cl"].result_list}
    # t1: short on Jan, Feb, Mar (ranks 1, 1, 3) -> 3 dates, best 1.
    assert (rows["t1"].appearances, rows["t1"].best) == (3, 1)
    # t5: long on 2026-03-01 (1), short on 2026-03-20 (2) -> 2 dates, best 1.
    assert (rows["t5"].appearances, rows["t5"].best) == (2, 1)
    # t7 is in no snapshot.
    assert not hasattr(rows["t7"], "appearances")
    assert "Never Played" in response.text
    assert "https://open.spotify.com/track/t1" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Song Six", {"t6"}), ("gamma", {"t4"}), ("Album of Song Two", {"t2"})],
)
def test_it_searches_name_artist_and_album(admin_client, hand_archive, query, expected):
    response = admin_client.get("/admin/dashboard/track/", {"q": query})

    found = {track.track_id for track in response.context["cl"].result_list}
    assert found == expected


def test_it_filters_by_time_range_and_year(admin_client, hand_archive):
    response = admin_client.get("/admin/dashboard/track/", {"time_range": "long_term"})
    assert {t.track_id for t in response.context["cl"].result_list} == {"t5"}

    response = admin_client.get("/admin/dashboard/track/", {"snapshot_year": "2025"})
    assert list(response.context["cl"].result_list) == []


def test_a_track_page_shows_its_snapshots_read_only(admin_client, hand_archive):
    response = admin_client.get("/admin/dashboard/track/t5/change/")

    assert response.status_code == 200
    html = response.text
    assert "2026-03-20" in html and "2026-03-01" in html
    assert 'name="_save"' not in html
    assert "Delete" not in html


def test_nothing_can_be_added_changed_or_deleted(admin_client, hand_archive):
    before = archives.digest(hand_archive)

    assert admin_client.get("/admin/dashboard/track/add/").status_code == 403
    response = admin_client.post(
        "/admin/dashboard/track/t1/change/", {"name": "Renamed"}
    )
    assert response.status_code == 403
    response = admin_client.post("/admin/dashboard/track/t1/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = admin_client.post(
        "/admin/dashboard/track/",
        {"action": "delete_selected", "_selected_action": ["t1"], "post": "yes"},
    )
    assert archives.digest(hand_archive) == before


def test_the_changelist_reads_a_fixed_handful_of_queries(
    admin_client, tmp_path, use_archive
):
    demo.write(tmp_path / "demo.db", "demo")
    use_archive(tmp_path / "demo.db")
    connection = connections["archive"]

    with CaptureQueriesContext(connection) as first:
        admin_client.get("/admin/dashboard/track/")
    with CaptureQueriesContext(connection) as again:
        admin_client.get("/admin/dashboard/track/")
    with CaptureQueriesContext(connection) as next_page:
        admin_client.get("/admin/dashboard/track/", {"p": 2})

    # Date span (for the year filter), count, page, and one grouped query
    # for the page's snapshot counts: no query per track.
    assert len(first) == 4
    # Unchanged archive: the span and this page's counts come from the cache.
    assert len(again) == 2
    # A new page only needs its own tracks' counts.
    assert len(next_page) == 3
    assert "GROUP BY" in next_page.captured_queries[-1]["sql"]


def test_the_admin_explains_a_missing_archive(admin_client, tmp_path, use_archive):
    use_archive(tmp_path / "missing.db")

    response = admin_client.get("/admin/dashboard/track/")

    assert response.status_code == 503
    assert "No archive was found" in response.text
    assert not (tmp_path / "missing.db").exists()


def test_the_admin_names_the_site_and_its_icon(admin_client, hand_archive):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert (
        "<title>The archive and who may sign in | Music Time Machine admin</title>"
        in (response.text)
    )
    assert '<a href="/admin/">Music Time Machine admin</a>' in response.text
    assert 'rel="icon" href="/static/img/favicon.svg"' in response.text


def test_the_admin_login_offers_spotify_sign_in_back_to_the_admin(client):
    response = client.get("/admin/login/", {"next": "/admin/dashboard/track/"})

    assert response.status_code == 200
    html = response.text
    assert 'href="/auth/?next=/admin/dashboard/track/">Sign in with Spotify' in html
    # The password form stays, for an account made with createsuperuser.
    assert 'name="password"' in html


def test_browsers_asking_for_favicon_ico_are_sent_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
