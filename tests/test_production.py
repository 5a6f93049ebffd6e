"""Production settings: Django's deployment checks pass with a real
configuration and refuse the stand-in or a weak key; every page carries the
security headers; HTTPS brings HSTS and Secure cookies."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "music.example.org",
    "SPOTIFY_CLIENT_ID": "a-real-client-id",
    "SPOTIFY_CLIENT_SECRET": "a-real-client-secret",
    "SPOTIFY_REDIRECT_URI": "https://music.example.org/auth/callback/",
    "SPOTIFY_ALLOWED_USERS": "the-owner",
}


def manage(*args, **env):
    # Only the variables given here: no .env, no developer's settings.
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checks_pass_with_a_production_configuration(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        MUSIC_DB_PATH=str(tmp_path / "archive.db"),
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SPOTIFY_ACCOUNTS_URL": "http://127.0.0.1:8765"}, "spotify_auth.E00"),
        ({"SPOTIFY_CLIENT_ID": ""}, "spotify_auth.W001"),
        ({"SPOTIFY_ALLOWED_USERS": ""}, "spotify_auth.W002"),
        ({"SPOTIFY_REDIRECT_URI": "http://music.example.org/cb/"}, "spotify_auth.E00"),
        ({"ALLOWED_HOSTS": ""}, "security.W020"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
    ],
)
def test_the_deployment_checks_refuse_an_unsafe_configuration(change, expected):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, **change}
    )

    assert result.returncode != 0
    assert expected in result.stderr + result.stdout


@pytest.mark.parametrize(
    "key", ["", "short", "change-me", "django-insecure-" + "x" * 60]
)
def test_a_weak_secret_key_stops_start_up_with_one_sentence(key):
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": key})

    assert result.returncode != 0
    assert "Configuration problem: SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_page_carries_the_security_headers(client, hand_archive):
    for path in ("/auth/", "/", "/no/such/page/", "/admin/login/"):
        response = client.get(path, secure=True)
        headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"], path
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert headers["X-Content-Type-Options"] == "nosniff", path


def test_https_brings_hsts_and_plain_http_is_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000

    plain = client.get("/auth/")
    secure = client.get("/auth/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_cookies_are_secure_and_http_only():
    # The settings module as a production run reads it.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS)",
        **PRODUCTION,
    )

    assert result.stdout.split()[-4:] == ["True", "True", "True", "31536000"]


def test_every_variable_the_site_reads_is_documented():
    source = (settings.BASE_DIR / "mtm_site" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    serve = (settings.BASE_DIR / "scripts" / "serve").read_text()
    read |= set(re.findall(r"\$\{([A-Z_]+):-", serve))
    readme = (settings.BASE_DIR / "README.md").read_text()
    example = (settings.BASE_DIR / ".env.example").read_text()

    assert len(read) > 20
    assert [name for name in sorted(read) if f"`{name}`" not in readme] == []
    assert [name for name in sorted(read) if f"{name}=" not in example] == []
