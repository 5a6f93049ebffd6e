"""Hostile input: redirects, injection, oversized bodies, forged cookies and
cross-site posts. Each is refused with a sentence or ignored, never a 500,
and the archive is left as it was."""

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import figures
from tests import archives
from tests.fixtures_spotify import csrf_post, sign_in

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

# The unsafe redirect targets Django's own url_has_allowed_host_and_scheme
# tests reject, in spirit: other hosts, schemes, backslash and control-
# character tricks, credentials and malformed hosts.
HOSTILE_NEXT = [
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "//example.com",
    "///example.com",
    "/\t/example.com",
    "https://testserver@example.com/",
]

SQL_PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE tracks; --",
    '" OR ""="',
    "1; UPDATE tracks SET name = 'x'",
    "%' UNION SELECT track_id, name FROM tracks --",
    "short_term' --",
    "\\'; ATTACH DATABASE '/tmp/x.db' AS x; --",
]


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_sign_in_never_follows_a_hostile_next(standin, next_url):
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, standin, next_url=next_url)

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_admin_search_filters_and_sort_take_sql_as_text(
    reader_client, hand_archive, payload
):
    before = archives.digest(hand_archive)
    url = reverse("admin:dashboard_track_changelist")

    for params in (
        {"q": payload},
        {"time_range": payload},
        {"snapshot_year": payload},
        {"o": payload},
        {"p": payload},
    ):
        response = reader_client.get(url, params)
        assert response.status_code in (200, 302), params
        if response.status_code == 200 and "q" in params:
            assert list(response.context["cl"].result_list) == []

    assert archives.digest(hand_archive) == before


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_the_admin_track_page_takes_an_id_as_text(reader_client, hand_archive, payload):
    response = reader_client.get(
        reverse("admin:dashboard_track_change", args=[payload])
    )

    # Django's admin answers an unknown object with a redirect and a message.
    assert response.status_code in (302, 404)


@given(code=st.text(max_size=40))
def test_any_range_code_means_a_known_range(code):
    assert figures.parse_range(code) in figures.RANGES


@given(
    code=st.text(max_size=10) | st.sampled_from(list(figures.RANGES)),
    latest=st.text(max_size=12) | st.dates().map(str),
)
def test_a_range_start_is_a_date_or_none_for_any_input(code, latest):
    start = figures.range_start(code, latest)
    assert start is None or (len(start) == 10 and start < (latest or "~"))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=st.text(max_size=200))
def test_admin_search_survives_any_text(reader_client, hand_archive, query):
    response = reader_client.get(
        reverse("admin:dashboard_track_changelist"), {"q": query}
    )
    assert response.status_code == 200


def test_the_admin_turns_away_strangers(client, hand_archive):
    response = client.get(reverse("admin:dashboard_track_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_turns_away_signed_in_people_who_are_not_staff(
    guest_client, hand_archive
):
    response = guest_client.get(reverse("admin:dashboard_track_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "Song One" not in guest_client.get(response["Location"]).text


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "not-a-session",
        "x" * 4000,
        "' OR 1=1 --",
        "../../etc/passwd",
        "0" * 32,
    ],
)
def test_a_forged_session_cookie_counts_as_signed_out(client, hand_archive, cookie):
    client.cookies["sessionid"] = cookie

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("spotify_auth:landing"))


def test_a_session_cookie_with_one_character_changed_counts_as_signed_out(
    signed_in_client, hand_archive
):
    key = signed_in_client.cookies["sessionid"].value
    changed = key[:-1] + ("a" if key[-1] != "a" else "b")
    signed_in_client.cookies["sessionid"] = changed

    response = signed_in_client.get("/")

    assert response.status_code == 302


def test_an_oversized_body_is_refused_with_a_sentence(signed_in_client):
    response = signed_in_client.post(
        reverse("spotify_auth:logout"),
        {"csrfmiddlewaretoken": signed_in_client.csrf_token, "pad": "x" * 3_000_000},
    )

    assert response.status_code == 400
    assert "could not be understood" in response.text
    assert signed_in_client.get("/").status_code in (200, 503)


def test_too_many_fields_are_refused_with_a_sentence(signed_in_client):
    fields = {f"f{number}": "1" for number in range(1200)}
    response = signed_in_client.post(
        reverse("spotify_auth:logout"),
        {"csrfmiddlewaretoken": signed_in_client.csrf_token, **fields},
    )

    assert response.status_code == 400


# Every state-changing endpoint of the site.
POST_ENDPOINTS = [
    ("spotify_auth:start", []),
    ("spotify_auth:logout", []),
    ("dashboard:take_snapshot", []),
    ("dashboard:download", []),
    ("dashboard:disconnect", []),
    ("dashboard:clear", []),
    ("dashboard:playlist_preview", ["current-rotation"]),
]


def test_the_post_list_covers_every_post_view():
    """A new POST view must join POST_ENDPOINTS, or this fails."""
    from django.urls import get_resolver

    listed = {name for name, _ in POST_ENDPOINTS}
    found = set()
    for namespace in ("dashboard", "spotify_auth"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for pattern in resolver.url_patterns:
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and hasattr(view, "post"):
                found.add(f"{namespace}:{pattern.name}")
    assert found == listed


@pytest.mark.parametrize(("name", "args"), POST_ENDPOINTS)
def test_every_post_needs_a_csrf_token(signed_in_client, hand_archive, name, args):
    before = archives.digest(hand_archive)

    response = signed_in_client.post(reverse(name, args=args), {"confirm": "x"})

    assert response.status_code == 403
    assert "Form expired" in response.text
    assert signed_in_client.get("/").status_code == 200
    assert archives.digest(hand_archive) == before


@pytest.mark.parametrize(("name", "args"), POST_ENDPOINTS)
def test_every_post_refuses_another_origin(signed_in_client, hand_archive, name, args):
    before = archives.digest(hand_archive)

    response = signed_in_client.post(
        reverse(name, args=args),
        {"csrfmiddlewaretoken": signed_in_client.csrf_token},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert signed_in_client.get("/").status_code == 200
    assert archives.digest(hand_archive) == before


@pytest.mark.parametrize(
    "params",
    [
        {"path": "../../../../etc/passwd"},
        {"name": "/etc/passwd"},
        {"file": "..%2f..%2fmtm_site%2fsettings.py"},
        {"filename": "music_time_machine.db\x00.txt"},
    ],
)
def test_a_download_ignores_any_path_in_the_request(
    signed_in_client, hand_archive, params
):
    response = signed_in_client.post(
        f"{reverse('dashboard:download')}?{urlencode(params)}",
        {"csrfmiddlewaretoken": signed_in_client.csrf_token, **params},
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"SQLite format 3\x00")
    disposition = response["Content-Disposition"]
    assert re.search(r'filename="[\w-]*\d{4}-\d{2}-\d{2}[\w-]*\.db"', disposition)
    assert "passwd" not in disposition and "settings" not in disposition


@pytest.mark.parametrize(
    "path",
    [
        "/settings/download/../../etc/passwd",
        "/snapshots.csv/../../etc/passwd",
        "/tracks/..%2f..%2fetc%2fpasswd/",
        "/static/../mtm_site/settings.py",
        "/static/..%2fmtm_site%2fsettings.py",
    ],
)
def test_path_tricks_find_nothing(signed_in_client, hand_archive, path):
    response = signed_in_client.get(path)

    assert response.status_code in (404, 405)
    assert b"SECRET_KEY" not in response.content


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_dashboard_filters_take_sql_as_text(signed_in_client, hand_archive, payload):
    before = archives.digest(hand_archive)

    for url in (
        f"/analytics/?{urlencode({'range': payload})}",
        f"/compare/?{urlencode({'before': payload, 'after': payload})}",
        f"/playlists/time-capsule/?{urlencode({'date': payload})}",
        f"/tracks/{quote(payload, safe='')}/",
        f"/playlists/{quote(payload, safe='')}/",
    ):
        response = signed_in_client.get(url)
        assert response.status_code in (200, 400, 404), url

    assert archives.digest(hand_archive) == before


QUERY_URLS = [
    ("/analytics/", "range"),
    ("/compare/", "before"),
    ("/compare/", "after"),
    ("/playlists/time-capsule/", "date"),
    ("/playlists/current-rotation/", "date"),
    ("/admin/dashboard/track/", "q"),
    ("/admin/dashboard/track/", "o"),
    ("/auth/", "next"),
]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.text(max_size=80), index=st.integers(0, len(QUERY_URLS) - 1))
def test_any_query_parameter_gives_a_page_not_a_500(
    reader_client, hand_archive, value, index
):
    path, name = QUERY_URLS[index]

    response = reader_client.get(path, {name: value})

    assert response.status_code in (200, 302, 400, 404)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.text(max_size=150), token=st.text(max_size=40))
def test_any_playlist_form_gives_a_sentence_not_a_500(
    signed_in_client, standin, hand_archive, name, token
):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])

    response = signed_in_client.post(
        url,
        {
            "name": name,
            "token": token,
            "csrfmiddlewaretoken": signed_in_client.csrf_token,
        },
    )

    assert response.status_code in (200, 302, 400)
    assert standin.state.playlists == {}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(confirm=st.text(max_size=60))
def test_any_clear_confirmation_but_the_phrase_clears_nothing(
    signed_in_client, hand_archive, confirm
):
    from dashboard.snapshots import CLEAR_PHRASE

    before = archives.digest(hand_archive)

    response = signed_in_client.post(
        reverse("dashboard:clear"),
        {"confirm": confirm, "csrfmiddlewaretoken": signed_in_client.csrf_token},
    )

    assert response.status_code in (200, 302, 400)
    if confirm.strip().casefold() != CLEAR_PHRASE.casefold():
        assert archives.digest(hand_archive) == before


def test_a_post_from_this_origin_goes_through(signed_in_client, hand_archive):
    response = csrf_post(signed_in_client, reverse("spotify_auth:logout"))

    assert response.status_code == 302
