"""What the stand-in has issued and been asked, for tests to inspect."""

import secrets
import threading
import time
from collections import Counter

CODE_LIFETIME = 600


class State:
    def __init__(self, client_id, client_secret):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.listener = {"id": "demo-listener", "display_name": "Demo Listener"}
            self.access_token_lifetime = 3600
            self.rotate_refresh_tokens = True
            self.codes = {}
            self.access_tokens = {}
            self.refresh_tokens = {}
            self.playlists = {}
            self.token_requests = Counter()
            self.api_requests = Counter()

    def sign_in_as(self, spotify_id, display_name=None):
        """Make the consent page approve as another Spotify account."""
        with self.lock:
            self.listener = {"id": spotify_id, "display_name": display_name}

    def issue_code(self, redirect_uri, scope, challenge):
        code = secrets.token_urlsafe(32)
        with self.lock:
            self.codes[code] = {
                "redirect_uri": redirect_uri,
                "scope": scope,
                "challenge": challenge,
                "user": dict(self.listener),
                "issued_at": time.time(),
                "used": False,
            }
        return code

    def issue_tokens(self, user, scope, with_refresh=True):
        access = secrets.token_urlsafe(32)
        with self.lock:
            self.access_tokens[access] = {
                "user": user,
                "scope": scope,
                "expires_at": time.time() + self.access_token_lifetime,
            }
            reply = {
                "access_token": access,
                "token_type": "Bearer",
                "scope": scope,
                "expires_in": self.access_token_lifetime,
            }
            if with_refresh:
                refresh = secrets.token_urlsafe(32)
                self.refresh_tokens[refresh] = {
                    "user": user,
                    "scope": scope,
                    "rotated": False,
                }
                reply["refresh_token"] = refresh
        return reply

    def user_for(self, access_token):
        with self.lock:
            grant = self.access_tokens.get(access_token)
        if grant is None or grant["expires_at"] <= time.time():
            return None
        return grant

    def summary(self):
        with self.lock:
            return {
                "listener": dict(self.listener),
                "token_requests": dict(self.token_requests),
                "api_requests": dict(self.api_requests),
                "access_tokens": len(self.access_tokens),
                "refresh_tokens": len(self.refresh_tokens),
                "rotated_refresh_tokens": sum(
                    1 for grant in self.refresh_tokens.values() if grant["rotated"]
                ),
                "playlists": list(self.playlists.values()),
            }
