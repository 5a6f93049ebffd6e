"""Through a whole sign-in, a page view and a token refresh, with DEBUG
logging on every logger, no token, code, state, verifier or client secret
appears in a log record, a page, a redirect back to the site or a cookie."""

import logging
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from spotify_auth import tokens
from tests.fixtures_spotify import CLIENT_SECRET, csrf_post

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "archive"])


def long_strings(value):
    """Yield every string of 16+ characters inside a session value."""
    if isinstance(value, str) and len(value) >= 16:
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from long_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from long_strings(item)


def test_a_full_sign_in_leaks_no_secret(standin, hand_archive, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(enforce_csrf_checks=True)
    responses = []

    started = csrf_post(client, reverse("spotify_auth:start"))
    flow_secrets = set(long_strings(dict(client.session.items())))
    callback = urlsplit(standin.approve(started["Location"]))
    code = dict(parse_qsl(callback.query))["code"]
    responses.append(client.get(f"{callback.path}?{callback.query}"))
    responses.append(client.get("/", follow=True))

    # Make the token due so the middleware refreshes it on the next page.
    session = client.session
    current = tokens.get(session)
    tokens.put(
        session, tokens.Tokens(**{**current.__dict__, "expires_at": time.time()})
    )
    session.save()
    responses.append(client.get("/", follow=True))
    assert standin.state.token_requests["refresh_token"] == 1

    secrets = {code, CLIENT_SECRET, *flow_secrets}
    secrets |= set(standin.state.access_tokens) | set(standin.state.refresh_tokens)
    assert len(secrets) >= 6  # code, secret, state, verifier, two token pairs

    log_text = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert len(caplog.records) > 10, "DEBUG logging captured too little to prove much"
    pages = "\n".join(
        f"{response.content.decode(errors='replace')} {dict(response.headers)}"
        for response in responses
    )
    cookies = " ".join(morsel.OutputString() for morsel in client.cookies.values())
    for secret in secrets:
        assert secret not in log_text
        assert secret not in pages
        assert secret not in cookies
