"""Archives and signed-in clients for the dashboard's tests."""

import datetime

import pytest

from dashboard import demo
from tests import archives

# 22-character ids, as Spotify's are, so playlists accept them.
ODD_NAMES = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ template }} {% tag %}",
    '=HYPERLINK("http://evil.example")',
    "+1 Plus",
    "-2 Minus",
    "@SUM(A1)",
    "אהבה ערבית مرحبا",
    "🎧" * 5,
    "x" * 300,
]


def spotify_id(number):
    return f"T{number:021d}"


def days_before(end, days):
    return (end - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def demo_archive(tmp_path, use_archive):
    path = tmp_path / "music_time_machine.db"
    demo.write(path, "small")
    return use_archive(path)


@pytest.fixture
def hostile_archive(tmp_path, use_archive):
    """Names meant to break markup, templates, spreadsheets and layout."""
    end = datetime.date(2026, 6, 1)
    tracks = [
        (spotify_id(index), name, f"Artist {name}")
        for index, name in enumerate(ODD_NAMES)
    ]
    rows = []
    for offset, days in enumerate((200, 30, 0)):
        for index in range(len(tracks)):
            if days and (index + offset) % 4 == 0:
                continue
            rank = (index + offset) % len(tracks) + 1
            rows.append((spotify_id(index), days_before(end, days), "short_term", rank))
    return use_archive(archives.build(tmp_path / "music_time_machine.db", tracks, rows))


@pytest.fixture
def faulty_archive(tmp_path, use_archive):
    path = tmp_path / "music_time_machine.db"
    path.write_bytes(b"this is not a database at all, just some bytes" * 100)
    return use_archive(path)


@pytest.fixture
def missing_archive(tmp_path, use_archive):
    return use_archive(tmp_path / "music_time_machine.db")


@pytest.fixture
def client(signed_in_client):
    """The signed-in test client with CSRF checks on; `post` sends the token."""
    original = signed_in_client.post

    def post(path, data=None, **extra):
        return original(
            path,
            {**(data or {}), "csrfmiddlewaretoken": signed_in_client.csrf_token},
            **extra,
        )

    signed_in_client.post = post
    signed_in_client.raw_post = original
    return signed_in_client
