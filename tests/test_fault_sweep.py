"""Random damage to a real archive never gives a 500, a hang or a change.

Each case flips one random bit of a copy of a demo archive, then asks for
every archive-reading page. The answer must be the page (200) or the archive
problem page (503) within a time limit, and the damaged file must be left
byte for byte as the flip made it. The tally is printed for the README.
"""

import random
import shutil
import signal
import time
from collections import Counter

import pytest

from dashboard import archive, demo
from tests import archives

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

FLIPS = 200
SECONDS_PER_PAGE = 10
PAGES = [
    "/",
    "/analytics/?range=all",
    "/playlists/",
    "/playlists/current-rotation/",
    "/compare/",
    "/settings/",
    "/snapshots.csv",
    "/admin/dashboard/track/",
]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    path = tmp_path_factory.mktemp("pristine") / "music_time_machine.db"
    demo.write(path, "small")
    return path


def flip_one_bit(path, rng):
    data = bytearray(path.read_bytes())
    offset = rng.randrange(len(data))
    data[offset] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return offset


def test_random_bit_flips_never_cause_a_500_or_a_hang(
    reader_client, pristine, tmp_path, use_archive, capsys
):
    rng = random.Random(20261203)
    outcomes, slowest = Counter(), 0.0
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for case in range(FLIPS):
            path = tmp_path / f"flip-{case}.db"
            shutil.copyfile(pristine, path)
            offset = flip_one_bit(path, rng)
            damaged = archives.digest(path)
            use_archive(path)
            archive._sound.clear()
            for page in PAGES:
                started = time.perf_counter()
                signal.alarm(SECONDS_PER_PAGE)
                try:
                    response = reader_client.get(page)
                except Hang:
                    pytest.fail(f"{page} hung on a flip at byte {offset}")
                finally:
                    signal.alarm(0)
                slowest = max(slowest, time.perf_counter() - started)
                assert response.status_code in (200, 503), (page, offset)
                kind = "page shown"
                if response.status_code == 503:
                    kind = response.context["problem"].kind
                outcomes[kind] += 1
            assert archives.digest(path) == damaged, f"flip at {offset} was altered"
            path.unlink()
    finally:
        signal.signal(signal.SIGALRM, previous)

    with capsys.disabled():
        print(
            f"\nbyte-flip sweep: {FLIPS} flips x {len(PAGES)} pages, "
            f"outcomes {dict(outcomes)}, no 500, slowest page "
            f"{slowest * 1000:.0f} ms"
        )
    assert sum(outcomes.values()) == FLIPS * len(PAGES)


def test_an_archive_deleted_while_serving_is_reported_then_recovers(
    reader_client, pristine, tmp_path, use_archive
):
    path = tmp_path / "music_time_machine.db"
    shutil.copyfile(pristine, path)
    use_archive(path)
    assert reader_client.get("/").status_code == 200

    path.unlink()
    response = reader_client.get("/")
    assert response.status_code == 503
    assert response.context["problem"].kind == "missing"
    assert not path.exists()

    shutil.copyfile(pristine, path)
    assert reader_client.get("/").status_code == 200
