"""The `sandbox` command group: `sandbox serve` runs the local Meta Marketing API emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.cli.common import fail
from graph.cli.root import app

sandbox_app = typer.Typer(help="The local Meta Marketing API emulator.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("serve")
def sandbox_serve(
    host: Annotated[str, typer.Option(help="loopback address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port (0 = pick a free one)")] = 0,
    db: Annotated[Path | None, typer.Option(help="SQLite file (default ADPILOT_HOME/sandbox.db)")] = None,
    scenario: Annotated[str, typer.Option(help="bundled scenario name or JSON file")] = "ecommerce_usd",
    seed: Annotated[int | None, typer.Option(help="seed of the simulated delivery")] = None,
    tier: Annotated[str, typer.Option(help="access tier: development or standard")] = "standard",
    faults: Annotated[str | None, typer.Option(help="e.g. latency_ms=100,transient=0.2,seed=1")] = None,
    token: Annotated[str, typer.Option(help="the token clients must send")] = "sandbox-token",
    app_secret: Annotated[str | None, typer.Option(help="require appsecret_proof with this secret")] = None,
) -> None:
    """Serve the sandbox until Ctrl-C; prints `Sandbox listening on http://HOST:PORT`."""
    from graph.environment import adpilot_home
    from sandbox.server import serve

    try:
        serve(host=host, port=port, db=db or adpilot_home() / "sandbox.db", scenario=scenario, seed=seed,
              token=token, app_secret=app_secret, tier=tier, faults=faults)
    except ValueError as exc:
        fail(str(exc))
