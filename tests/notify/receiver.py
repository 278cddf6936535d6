"""A webhook receiver for the tests: a real HTTP server on loopback that records what it gets.

`Receiver(statuses=[500, 500])` answers the first two POSTs with 500, then 200. `BlackHole`
accepts TCP connections and never answers (a receiver that is down in the slow way).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, statuses: list[int] | None = None, port: int = 0) -> None:
        self.statuses = list(statuses or [])
        self.posts: list[dict[str, Any]] = []  # every POST: {"status", "headers", "body", "raw"}
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer._lock:
                    status = outer.statuses.pop(0) if outer.statuses else 200
                    outer.posts.append({"status": status, "headers": dict(self.headers),
                                        "raw": raw.decode(), "path": self.path,
                                        "body": json.loads(raw) if raw else None})
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"server error")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T000/B000/secret-path"

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """The bodies answered with 200: what the receiver took."""
        with self._lock:
            return [p["body"] for p in self.posts if p["status"] == 200]

    def wait_for(self, n: int, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.delivered) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.delivered

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


class BlackHole:
    """A port that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/secret-path"

    def __enter__(self) -> BlackHole:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.sock.close()
