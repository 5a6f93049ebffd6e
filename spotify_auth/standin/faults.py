"""Switches that make the stand-in misbehave the ways Spotify does."""

import threading
from dataclasses import asdict, dataclass

KINDS = (
    "rate_limited",  # 429 with Retry-After
    "quota_exceeded",  # 429 whose body says "reason": "QUOTA_EXCEEDED"
    "server_error",  # 5xx (status, default 503)
    "slow",  # wait `delay` seconds, then answer normally
    "html",  # an HTML page (status, default 200) instead of JSON
    "incomplete",  # 200 with a JSON object that lacks every expected field
    "revoked",  # token endpoint: invalid_grant; Web API: 401
    "forbidden",  # 403, as for an account not on the app's user list
)
# "api" means every /v1 endpoint; "any" means the token endpoint too.
TARGETS = ("token", "me", "top_tracks", "create_playlist", "add_items", "api", "any")


@dataclass
class Fault:
    kind: str
    target: str = "any"
    times: int | None = None
    retry_after: int = 1
    delay: float = 5.0
    status: int | None = None


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def set(self, kind, target="any", **options):
        """Make `target` answer with `kind`, `times` times or until cleared."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}")
        fault = Fault(kind, target, **options)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults.clear()

    def active(self):
        with self._lock:
            return [asdict(fault) for fault in self._faults]

    def take(self, endpoint):
        """Return the fault that applies to `endpoint` now, using one of its
        `times`, or None."""
        targets = {endpoint, "any"} | ({"api"} if endpoint != "token" else set())
        with self._lock:
            for fault in self._faults:
                if fault.target not in targets:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None
