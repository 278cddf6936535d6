"""The `web` command: the inbox and dashboard in the browser (`graph/web/`)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from graph.cli.common import fail, session, talks_to_meta
from graph.cli.console import console
from graph.cli.root import app


@app.command()
@talks_to_meta
def web(port: Annotated[int, typer.Option(min=0, max=65535, help="port (0: a free one)")] = 8765,
        host: Annotated[str, typer.Option(
            help="address to listen on; anything but loopback needs ADPILOT_WEB_TOKEN")] = "127.0.0.1",
        ) -> None:
    """Serve the inbox and dashboard in the browser: approve cards, see campaigns and reports.

    It listens on loopback unless --host says otherwise; bound elsewhere it needs
    ADPILOT_WEB_TOKEN (asked once per browser session). Every answer goes through the same
    receipt check and money gate as `adpilot approve`. Stop it with Ctrl-C.
    """
    from graph.web.app import create_app
    from graph.web.security import TOKEN_ENV, Guard, bind_problem
    from graph.web.serve import bound_socket, serve, url_of

    token = os.environ.get(TOKEN_ENV) or None
    if (problem := bind_problem(host, token)) is not None:
        fail(problem)
    try:
        sock = bound_socket(host, port)
    except OSError as exc:
        fail(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror}); pick another "
             "port, or --port 0 for a free one")
    from graph.home import adpilot_home, holds_threads

    home = adpilot_home().resolve()
    if holds_threads(home) is False:  # said before the home is opened (and created)
        console.print(f"[yellow]note:[/] {home} holds no thread yet: the inbox starts empty. If "
                      "your cards are in another home, stop this and set ADPILOT_HOME to it "
                      "(the demo's: .adpilot/demo in the clone).")
    with session() as (env, runner):
        url = url_of(sock)
        console.print(f"adpilot web: open [bold]{url}[/] (state: {env.home.resolve()}) — "
                      "Ctrl-C stops it")
        serve(create_app(env, runner, Guard(bind_host=host, token=token)), sock)
