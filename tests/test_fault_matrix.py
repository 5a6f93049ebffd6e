"""Every way the stand-in can fail, against every action that calls Spotify.

Actions: signing in (token endpoint, then /v1/me), refreshing a due token
on a page view, taking a snapshot (top tracks) and making a playlist. For
each fault the person gets a sentence (never a 500 or a traceback), the
archive keeps its bytes, no playlist appears, and within one action each
fault reads differently from the others (an unreadable HTML page and an
unreadable JSON reply share a sentence).
The tally is printed for the README.
"""

import html
import re
import time
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from dashboard import demo
from spotify_auth import tokens
from tests import archives
from tests.fixtures_spotify import csrf_post, sign_in

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])

FAULTS = [
    "rate_limited",
    "quota_exceeded",
    "server_error",
    "slow",
    "html",
    "incomplete",
    "revoked",
    "forbidden",
]
# An HTML page and a JSON reply without the expected fields are, to the
# person, the same thing: an answer that could not be read.
SAME_TO_A_PERSON = {"html", "incomplete"}
SHOWN = re.compile(
    r'role="(?:alert|status)"[^>]*>(.*?)</(?:p|li|ul|div)>'
    r'|<section class="error-page">\s*<h1>[^<]*</h1>\s*<p>(.*?)</p>',
    re.DOTALL,
)


def sentences(response):
    text = response.content.decode()
    found = [" ".join(part for part in match if part) for match in SHOWN.findall(text)]
    return " | ".join(html.unescape(re.sub(r"<[^>]+>", " ", f)).strip() for f in found)


def sign_in_attempt(standin, fault):
    client = Client(enforce_csrf_checks=True)
    started = csrf_post(client, reverse("spotify_auth:start"))
    standin.faults.set(fault, "token" if fault != "forbidden" else "me")
    callback = urlsplit(standin.approve(started["Location"]))
    return client.get(f"{callback.path}?{callback.query}", follow=True)


def refresh_attempt(client, standin, fault):
    session = client.session
    current = tokens.get(session)
    tokens.put(
        session, tokens.Tokens(**{**current.__dict__, "expires_at": time.time()})
    )
    session.save()
    standin.faults.set(fault, "token")
    return client.get("/", follow=True)


def snapshot_attempt(client, standin, fault):
    standin.faults.set(fault, "top_tracks", retry_after=9)
    return client.post(
        reverse("dashboard:take_snapshot"),
        {"csrfmiddlewaretoken": client.csrf_token},
        follow=True,
    )


def playlist_attempt(client, standin, fault):
    url = reverse("dashboard:playlist_preview", args=["current-rotation"])
    token = client.get(url).context["form"]["token"].value()
    standin.faults.set(fault, "create_playlist", retry_after=9)
    return client.post(
        url,
        {
            "name": "Fault matrix",
            "token": token,
            "csrfmiddlewaretoken": client.csrf_token,
        },
        follow=True,
    )


ACTIONS = {
    "sign-in": lambda client, standin, fault: sign_in_attempt(standin, fault),
    "token refresh": refresh_attempt,
    "take snapshot": snapshot_attempt,
    "make playlist": playlist_attempt,
}


@pytest.fixture
def demo_archive(tmp_path, use_archive):
    """Real Spotify-shaped ids, which playlists need."""
    demo.write(tmp_path / "music_time_machine.db", "small")
    return use_archive(tmp_path / "music_time_machine.db")


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_spotify_fault_gets_a_sentence_and_loses_nothing(
    signed_in_client, standin, demo_archive, action, capsys
):
    # signed_in_client makes the stand-in's listener the archive's owner.
    before = archives.digest(demo_archive)
    seen = defaultdict(list)

    for fault in FAULTS:
        standin.faults.clear()
        # A revoked grant is dropped from the session (and a refresh fault
        # signs it out), so each fault starts from a fresh sign-in.
        client = Client(enforce_csrf_checks=True)
        sign_in(client, standin)
        client.csrf_token = client.cookies["csrftoken"].value
        response = ACTIONS[action](client, standin, fault)
        standin.faults.clear()

        assert response.status_code < 500 or response.status_code in (502, 503), (
            action,
            fault,
            response.status_code,
        )
        text = sentences(response)
        assert text, f"{action} / {fault}: no sentence shown"
        assert "Traceback" not in response.content.decode()
        seen[text].append(fault)

    assert archives.digest(demo_archive) == before
    assert standin.state.playlists == {}
    shared = [faults for faults in seen.values() if len(faults) > 1]
    assert all(set(faults) <= SAME_TO_A_PERSON for faults in shared), shared
    with capsys.disabled():
        print(f"\nfault matrix, {action}: {len(FAULTS)} faults, {len(seen)} sentences")
        for text, faults in seen.items():
            print(f"  {', '.join(faults)}: {text[:150]}")
