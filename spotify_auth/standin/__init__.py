"""A local Spotify stand-in: a small real HTTP server on 127.0.0.1.

    standin = StandIn(client_id, client_secret).start(port=0)
    standin.url                       # http://127.0.0.1:<port>
    standin.faults.set("rate_limited", "top_tracks", times=1, retry_after=1)
    standin.state.token_requests      # Counter of grant types asked for
    standin.stop()

The same switches are reachable over HTTP for another process:
GET /_standin/state, POST /_standin/faults (JSON: kind, target, times,
retry_after, delay, status), DELETE /_standin/faults, POST /_standin/reset,
POST /_standin/listener (JSON: id, display_name).
"""

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import StandInApp
from .faults import Faults
from .state import State

logger = logging.getLogger(__name__)

__all__ = ["StandIn"]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # A "slow" fault may still be sleeping at shutdown; do not wait for it.
    block_on_close = False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        # The request line carries codes and states; keep it out of the log.
        logger.debug("stand-in answered %s", args[1] if len(args) > 1 else "")


class StandIn:
    def __init__(self, client_id, client_secret):
        self.state = State(client_id, client_secret)
        self.faults = Faults()
        self.app = StandInApp(self.state, self.faults)
        self._server = None
        self._thread = None

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self):
        return f"{self.url}/v1"

    def start(self, port=0):
        """Serve on 127.0.0.1:`port` (0 picks a free one) in a daemon thread."""
        self._server = make_server(
            "127.0.0.1",
            port,
            self.app,
            server_class=_Server,
            handler_class=_QuietHandler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="spotify-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self):
        self.faults.clear()
        self.state.reset()
