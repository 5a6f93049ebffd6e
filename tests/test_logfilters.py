import logging

import pytest

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
