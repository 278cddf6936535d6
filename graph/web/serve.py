"""Serve the dashboard with uvicorn on a socket bound here (so the URL is known before serving).

`bound_socket(host, port)` binds (port 0: a free one); `serve(app, sock)` runs uvicorn on it
until SIGINT/SIGTERM; `background(app, sock)` runs it in a thread (the browser tests) and
returns a stop function. uvicorn's access log is off: the dashboard's URLs hold thread ids
only, but a log of every page read says nothing a person needs.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any


def bound_socket(host: str, port: int) -> socket.socket:
    """Return a listening TCP socket on (host, port); OSError when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    return sock


def url_of(sock: socket.socket) -> str:
    """Return the dashboard's address on `sock`."""
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _server(app: Any) -> Any:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def serve(app: Any, sock: socket.socket) -> None:
    """Serve until interrupted."""
    _server(app).run(sockets=[sock])


def background(app: Any, sock: socket.socket) -> Callable[[], None]:
    """Serve in a daemon thread; return a function that stops it."""
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
    return stop
