"""The archive is a second database that nothing of Django's ever touches."""

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import router

from dashboard.models import Snapshot, Track
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


def test_archive_models_read_from_the_archive_and_the_rest_from_default():
    assert router.db_for_read(Track) == "archive"
    assert router.db_for_read(Snapshot) == "archive"
    assert router.db_for_read(Session) == "default"
    assert router.db_for_write(Session) == "default"


def test_no_migration_is_allowed_on_the_archive():
    assert not router.allow_migrate("archive", "sessions")
    assert not router.allow_migrate("archive", "dashboard")
    assert not router.allow_migrate("default", "dashboard")
    assert router.allow_migrate("default", "auth")


def test_migrating_leaves_the_archive_as_it_was(hand_archive):
    before = archives.digest(hand_archive)

    call_command("migrate", verbosity=0)

    assert archives.digest(hand_archive) == before


def test_the_archive_connection_cannot_write(hand_archive):
    from django.db import DatabaseError, connections

    with (
        pytest.raises(DatabaseError, match="readonly"),
        connections["archive"].cursor() as cursor,
    ):
        cursor.execute("DELETE FROM snapshots")
    assert Snapshot.objects.count() == len(archives.HAND_SNAPSHOTS)


def test_the_snapshot_model_maps_the_composite_key(hand_archive):
    row = Snapshot.objects.get(pk=("t6", "2026-03-20", "short_term"))

    assert row.rank == 5
    assert row.track.name == "Song Six"
