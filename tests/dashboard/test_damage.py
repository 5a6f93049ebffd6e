"""Random damage to a demo archive never gives a 500 on the dashboard's own
pages: each flip of one bit gives the page (200) or the archive problem page
(503), and the file is left as the flip made it. The lead's sweep in
tests/test_fault_sweep.py covers the other pages."""

import random
import shutil
import sqlite3

import pytest

from dashboard import archive, demo
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

FLIPS = 60


def test_random_bit_flips_never_break_the_dashboards_own_pages(
    client, tmp_path, use_archive
):
    pristine = tmp_path / "pristine.db"
    demo.write(pristine, "small")
    connection = sqlite3.connect(pristine)
    (track_id, first) = connection.execute(
        "SELECT track_id, MIN(snapshot_date) FROM snapshots GROUP BY track_id "
        "ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    connection.close()
    pages = [
        "/playlists/forgotten-gems/",
        "/playlists/recent-discoveries/",
        f"/playlists/time-capsule/?date={first}",
        f"/tracks/{track_id}/",
        f"/compare/?before={first}&after=2100-01-01",
        "/settings/clear/",
    ]
    rng = random.Random(4)
    shown = 0
    for case in range(FLIPS):
        path = tmp_path / f"flip-{case}.db"
        shutil.copyfile(pristine, path)
        data = bytearray(path.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        damaged = archives.digest(path)
        use_archive(path)
        archive._sound.clear()

        for page in pages:
            status = client.get(page).status_code
            assert status in (200, 404, 503), (page, case)
            shown += status == 200
        assert archives.digest(path) == damaged
    assert shown > FLIPS * len(pages) // 2
