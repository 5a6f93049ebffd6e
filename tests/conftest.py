import pytest
from django.core.cache import cache
from django.db import connections

from dashboard import archive
from tests import archives

pytest_plugins = ["tests.fixtures_browser", "tests.fixtures_spotify"]


@pytest.fixture(autouse=True)
def _fresh_caches():
    cache.clear()
    archive._sound.clear()
    yield
    cache.clear()


@pytest.fixture
def use_archive():
    """Point the archive connection at a file for one test, then restore it."""
    connection = connections[archive.ALIAS]
    original = connection.settings_dict["NAME"]

    def point(path):
        archive.point_at(path)
        return path

    yield point
    connection.close()
    connection.settings_dict["NAME"] = original


@pytest.fixture
def hand_archive(tmp_path, use_archive):
    path = archives.build(
        tmp_path / "music_time_machine.db",
        archives.HAND_TRACKS,
        archives.HAND_SNAPSHOTS,
    )
    return use_archive(path)


@pytest.fixture
def empty_archive(tmp_path, use_archive):
    return use_archive(archives.build(tmp_path / "music_time_machine.db"))


@pytest.fixture
def reader_client(client, django_user_model):
    """A test client signed in as a staff member whose session holds live
    Spotify tokens, for pages that read the archive and call no Spotify."""
    import secrets
    import time

    from spotify_auth import tokens

    user = django_user_model.objects.create_superuser("reader", password=None)
    client.force_login(user)
    session = client.session
    tokens.put(
        session,
        tokens.Tokens(
            access_token=secrets.token_urlsafe(16),
            refresh_token=secrets.token_urlsafe(16),
            expires_at=time.time() + 3600,
        ),
    )
    session.save()
    return client
