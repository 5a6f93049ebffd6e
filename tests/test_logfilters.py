import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from mtm_site.logfilters import RedactSecrets, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '"GET /auth/callback/?code=AQB3x-y_z&state=s3cr3t HTTP/1.1" 302',
            '"GET /auth/callback/?code=[redacted]&state=[redacted] HTTP/1.1" 302',
        ),
        ("refresh_token=abc.def&grant_type=x", "refresh_token=[redacted]&grant_type=x"),
        ("Authorization: Bearer BQD1.2_3-4", "Authorization: Bearer [redacted]"),
        (
            "Cookie: sessionid=k1; csrftoken=k2",
            "Cookie: sessionid=[redacted]; csrftoken=[redacted]",
        ),
        ("GET /analytics/?range=6m", "GET /analytics/?range=6m"),
    ],
)
def test_it_redacts_oauth_values(line, expected):
    assert redact(line) == expected


def test_it_redacts_arguments_and_tracebacks():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "callback %s", ("?code=abc",), None
    )
    try:
        raise ValueError("refresh_token=leaky")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    assert RedactSecrets().filter(record)
    assert record.getMessage() == "callback ?code=[redacted]"
    assert "leaky" not in record.exc_text
    assert "refresh_token=[redacted]" in record.exc_text


def test_django_records_print_once_and_redacted_on_the_console(tmp_path):
    """Django's default logging has a console handler of its own; a record
    must not reach the console through it, unredacted, beside ours."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning("
        "'Not Found: /auth/callback/?code=SECRETCODE&state=SECRETSTATE')"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mtm_site.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'default.db'}",
        "MUSIC_DB_PATH": str(tmp_path / "missing.db"),
    }

    finished = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = [line for line in finished.stderr.splitlines() if "Not Found" in line]
    assert len(lines) == 1, finished.stderr
    assert "code=[redacted]&state=[redacted]" in lines[0]
    assert "SECRET" not in finished.stderr
