"""The stand-in's WSGI application: Spotify's accounts service and Web API,
as much of them as this project uses, plus a control API under /_standin/."""

import base64
import hashlib
import html
import ipaddress
import json
import re
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from . import catalogue
from .state import CODE_LIFETIME

SCOPES = {"user-top-read", "playlist-modify-private", "playlist-modify-public"}
_TRACK_URI = re.compile(r"^spotify:track:[0-9A-Za-z]{22}$")
_PLAYLIST_ITEMS = re.compile(r"^/v1/playlists/([0-9A-Za-z]+)/items$")
_OLD_ENDPOINTS = re.compile(r"^/v1/(users/[^/]+/playlists|playlists/[^/]+/tracks)$")


class Reply(Exception):
    """Answer the request with this status, body and headers."""

    def __init__(self, status, body, content_type="application/json", headers=()):
        super().__init__(status)
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers)


def _json(status, data, headers=()):
    return Reply(status, json.dumps(data), headers=headers)


def _api_error(status, message, **extra):
    return _json(status, {"error": {"status": status, "message": message, **extra}})


class StandInApp:
    def __init__(self, state, faults):
        self.state = state
        self.faults = faults

    def __call__(self, environ, start_response):
        try:
            self.route(environ)
            reply = _api_error(404, "Service not found")
        except Reply as answer:
            reply = answer
        headers = [("Content-Type", reply.content_type), *reply.headers]
        body = reply.body.encode("utf-8")
        headers.append(("Content-Length", str(len(body))))
        start_response(
            f"{reply.status} {_REASONS.get(reply.status, 'Status')}", headers
        )
        return [body]

    def route(self, environ):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_standin/"):
            self.control(method, path, environ)
        if path == "/authorize":
            self.authorize(method, environ)
        if path == "/api/token" and method == "POST":
            self.token(environ)
        if path.startswith("/v1/"):
            self.api(method, path, environ)
        if path == "/":
            raise Reply(200, _INDEX, "text/html; charset=utf-8")
        if path == "/favicon.ico":
            # Browsers ask on every page; no content is an answer, not an error.
            raise Reply(204, "", "image/x-icon")

    # Accounts service -------------------------------------------------------

    def authorize(self, method, environ):
        params = _form(environ) if method == "POST" else _query(environ)
        if params.get("client_id") != self.state.client_id:
            raise _page(400, "INVALID_CLIENT: Invalid client")
        redirect_uri = params.get("redirect_uri", "")
        if not _acceptable_redirect(redirect_uri):
            raise _page(400, "INVALID_CLIENT: Invalid redirect URI")
        state = params.get("state", "")

        def back(**answer):
            if state:
                answer["state"] = state
            separator = "&" if "?" in redirect_uri else "?"
            location = f"{redirect_uri}{separator}{urlencode(answer)}"
            raise Reply(303, "", "text/plain", [("Location", location)])

        if params.get("response_type") != "code":
            back(error="unsupported_response_type")
        challenge = params.get("code_challenge", "")
        if params.get("code_challenge_method") != "S256" or len(challenge) != 43:
            back(error="invalid_request")
        scope = params.get("scope", "")
        if not set(scope.split()) <= SCOPES:
            back(error="invalid_scope")
        if method == "GET":
            raise _consent_page(params, redirect_uri, self.state.listener)
        if params.get("decision") != "allow":
            back(error="access_denied")
        back(code=self.state.issue_code(redirect_uri, scope, challenge))

    def token(self, environ):
        with self.state.lock:
            form = _form(environ)
            self.state.token_requests[form.get("grant_type", "")] += 1
        self.apply_fault("token")
        if _basic_auth(environ) != (self.state.client_id, self.state.client_secret):
            raise _json(401, {"error": "invalid_client"})
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            raise _json(200, self.redeem_code(form))
        if grant_type == "refresh_token":
            raise _json(200, self.redeem_refresh_token(form))
        raise _json(400, {"error": "unsupported_grant_type"})

    def redeem_code(self, form):
        with self.state.lock:
            grant = self.state.codes.get(form.get("code", ""))
            if grant is None or grant["used"]:
                raise _invalid_grant("Invalid authorization code")
            grant["used"] = True
        if time.time() - grant["issued_at"] > CODE_LIFETIME:
            raise _invalid_grant("Authorization code expired")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            raise _invalid_grant("Invalid redirect URI")
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            raise _invalid_grant("code_verifier was incorrect")
        return self.state.issue_tokens(grant["user"], grant["scope"])

    def redeem_refresh_token(self, form):
        with self.state.lock:
            grant = self.state.refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None or grant["rotated"]:
                raise _invalid_grant("Refresh token revoked")
            rotate = self.state.rotate_refresh_tokens
            if rotate:
                grant["rotated"] = True
            return self.state.issue_tokens(grant["user"], grant["scope"], rotate)

    # Web API ----------------------------------------------------------------

    def api(self, method, path, environ):
        if _OLD_ENDPOINTS.match(path):
            raise _api_error(403, "This endpoint is no longer available")
        endpoint = _endpoint(method, path)
        if endpoint is None:
            raise _api_error(404, "Service not found")
        with self.state.lock:
            self.state.api_requests[endpoint] += 1
        self.apply_fault(endpoint)
        grant = self.state.user_for(_bearer(environ))
        if grant is None:
            raise _api_error(401, "Invalid access token")
        user = grant["user"]

        if endpoint == "me":
            raise _json(200, _profile(user))
        if endpoint == "top_tracks":
            if "user-top-read" not in grant["scope"].split():
                raise _api_error(403, "Insufficient client scope")
            raise _json(200, _top_tracks(_query(environ)))
        body = _json_body(environ)
        if endpoint == "create_playlist":
            raise _json(201, self.create_playlist(user, grant, body))
        playlist_id = _PLAYLIST_ITEMS.match(path).group(1)
        raise _json(201, self.add_items(user, playlist_id, body))

    def create_playlist(self, user, grant, body):
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _api_error(400, "Missing required field: name")
        public = body.get("public", True) is not False
        needed = "playlist-modify-public" if public else "playlist-modify-private"
        if needed not in grant["scope"].split():
            raise _api_error(403, "Insufficient client scope")
        playlist_id = catalogue.track_id(secrets.token_hex(8))
        playlist = {
            "id": playlist_id,
            "name": name,
            "public": public,
            "collaborative": False,
            "description": str(body.get("description") or ""),
            "owner": {"id": user["id"], "display_name": user["display_name"]},
            "uri": f"spotify:playlist:{playlist_id}",
            "external_urls": {
                "spotify": f"https://open.spotify.com/playlist/{playlist_id}"
            },
            "items": [],
            "snapshot_id": secrets.token_urlsafe(16),
        }
        with self.state.lock:
            self.state.playlists[playlist_id] = playlist
        return {key: value for key, value in playlist.items() if key != "items"}

    def add_items(self, user, playlist_id, body):
        uris = body.get("uris")
        if not isinstance(uris, list) or not uris:
            raise _api_error(400, "No uris given")
        if len(uris) > 100:
            raise _api_error(400, "You can add a maximum of 100 tracks per request.")
        if not all(isinstance(uri, str) and _TRACK_URI.match(uri) for uri in uris):
            raise _api_error(400, "Invalid track uri")
        with self.state.lock:
            playlist = self.state.playlists.get(playlist_id)
            if playlist is None:
                raise _api_error(404, "Resource not found")
            if playlist["owner"]["id"] != user["id"]:
                raise _api_error(
                    403, "You cannot add tracks to a playlist you don't own."
                )
            playlist["items"].extend(uris)
            playlist["snapshot_id"] = secrets.token_urlsafe(16)
            return {"snapshot_id": playlist["snapshot_id"]}

    # Faults and control -----------------------------------------------------

    def apply_fault(self, endpoint):
        fault = self.faults.take(endpoint)
        if fault is None:
            return
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return
        if fault.kind == "rate_limited":
            raise Reply(
                429,
                json.dumps(
                    {"error": {"status": 429, "message": "API rate limit exceeded"}}
                ),
                headers=[("Retry-After", str(fault.retry_after))],
            )
        if fault.kind == "quota_exceeded":
            raise _api_error(429, "Quota exceeded", reason="QUOTA_EXCEEDED")
        if fault.kind == "server_error":
            raise _api_error(fault.status or 503, "Service unavailable")
        if fault.kind == "html":
            raise Reply(fault.status or 200, _HTML_FAULT, "text/html; charset=utf-8")
        if fault.kind == "incomplete":
            raise _json(200, {"note": "nothing you expected"})
        if fault.kind == "forbidden":
            raise _api_error(403, "User not registered in the Developer Dashboard")
        if endpoint == "token":
            raise _invalid_grant("Refresh token revoked")
        raise _api_error(401, "The access token expired")

    def control(self, method, path, environ):
        if path == "/_standin/state" and method == "GET":
            raise _json(200, {**self.state.summary(), "faults": self.faults.active()})
        if path == "/_standin/faults" and method == "POST":
            options = _json_body(environ)
            try:
                fault = self.faults.set(**options)
            except (TypeError, ValueError) as error:
                raise _json(400, {"error": str(error)}) from error
            raise _json(201, {"kind": fault.kind, "target": fault.target})
        if path == "/_standin/faults" and method == "DELETE":
            self.faults.clear()
            raise Reply(204, "", "text/plain")
        if path == "/_standin/reset" and method == "POST":
            self.faults.clear()
            self.state.reset()
            raise Reply(204, "", "text/plain")
        if path == "/_standin/listener" and method == "POST":
            body = _json_body(environ)
            self.state.sign_in_as(str(body.get("id")), body.get("display_name"))
            raise Reply(204, "", "text/plain")
        raise _json(404, {"error": "no such control"})


def _endpoint(method, path):
    if method == "GET" and path == "/v1/me":
        return "me"
    if method == "GET" and path == "/v1/me/top/tracks":
        return "top_tracks"
    if method == "POST" and path == "/v1/me/playlists":
        return "create_playlist"
    if method == "POST" and _PLAYLIST_ITEMS.match(path):
        return "add_items"
    return None


def _profile(user):
    return {
        "id": user["id"],
        "display_name": user["display_name"],
        "type": "user",
        "uri": f"spotify:user:{user['id']}",
        "href": f"https://api.spotify.com/v1/users/{user['id']}",
        "external_urls": {"spotify": f"https://open.spotify.com/user/{user['id']}"},
        "images": [],
    }


def _top_tracks(query):
    time_range = query.get("time_range", "medium_term")
    if time_range not in catalogue.TIME_RANGES:
        raise _api_error(400, "Invalid time range")
    try:
        limit = int(query.get("limit", "20"))
        offset = int(query.get("offset", "0"))
    except ValueError as error:
        raise _api_error(400, "Invalid limit") from error
    if not 1 <= limit <= 50 or offset < 0:
        raise _api_error(400, "Invalid limit")
    tracks = catalogue.TOP_TRACKS[time_range]
    return {
        "items": tracks[offset : offset + limit],
        "total": len(tracks),
        "limit": limit,
        "offset": offset,
        "href": "https://api.spotify.com/v1/me/top/tracks",
        "next": None,
        "previous": None,
    }


def _acceptable_redirect(uri):
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    if not host or host == "localhost" or parts.scheme not in ("http", "https"):
        return False
    if parts.scheme == "https":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _invalid_grant(description):
    return _json(400, {"error": "invalid_grant", "error_description": description})


def _read(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _form(environ):
    if "_standin.form" not in environ:
        parsed = parse_qs(_read(environ).decode("utf-8", "replace"))
        environ["_standin.form"] = {key: values[0] for key, values in parsed.items()}
    return environ["_standin.form"]


def _query(environ):
    parsed = parse_qs(environ.get("QUERY_STRING", ""))
    return {key: values[0] for key, values in parsed.items()}


def _json_body(environ):
    try:
        data = json.loads(_read(environ) or b"{}")
    except ValueError as error:
        raise _api_error(400, "Error parsing JSON.") from error
    if not isinstance(data, dict):
        raise _api_error(400, "Error parsing JSON.")
    return data


def _basic_auth(environ):
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
    except ValueError:
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _bearer(environ):
    header = environ.get("HTTP_AUTHORIZATION", "")
    return header[7:] if header.startswith("Bearer ") else ""


def _page(status, message):
    body = _HTML_PAGE.format(
        title="Spotify stand-in", content=f"<p>{html.escape(message)}</p>"
    )
    return Reply(status, body, "text/html; charset=utf-8", [_CSP])


def _consent_page(params, redirect_uri, listener):
    fields = [
        "client_id",
        "response_type",
        "redirect_uri",
        "state",
        "scope",
        "code_challenge",
        "code_challenge_method",
    ]
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name in fields
        if (value := params.get(name, ""))
    )
    scopes = "".join(
        f"<li>{html.escape(scope)}</li>" for scope in params.get("scope", "").split()
    )
    who = html.escape(listener["display_name"] or listener["id"])
    content = f"""<p>Signed in to the stand-in as <strong>{who}</strong>.</p>
<p>Music Time Machine asks to:</p>
<ul>{scopes}</ul>
<form method="post" action="/authorize">
{hidden}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>"""
    origin = urlsplit(redirect_uri)
    csp = (
        "Content-Security-Policy",
        "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        f"form-action 'self' {origin.scheme}://{origin.netloc}",
    )
    body = _HTML_PAGE.format(title="Connect to Music Time Machine", content=content)
    return Reply(200, body, "text/html; charset=utf-8", [csp])


_CSP = (
    "Content-Security-Policy",
    "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
)
_HTML_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>This is a local stand-in for Spotify's sign-in page, for development only.</p>
{content}
</body>
</html>
"""
_INDEX = _HTML_PAGE.format(
    title="Spotify stand-in",
    content="<p>Nothing to see here; the dashboard uses it.</p>",
)
_HTML_FAULT = "<!doctype html><html><body><h1>Upstream hiccup</h1></body></html>"
_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    303: "See Other",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
