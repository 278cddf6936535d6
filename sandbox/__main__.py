"""`python -m sandbox [--port N] [--db FILE] ...`: the same server as `adpilot sandbox serve`."""

from __future__ import annotations

import argparse

from sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    """Parse the serve flags (docs/design.md §2) and serve until Ctrl-C."""
    p = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--db", default=".adpilot/sandbox.db")
    p.add_argument("--scenario", default="ecommerce_usd")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--token", default="sandbox-token")
    p.add_argument("--app-secret", default=None)
    p.add_argument("--tier", choices=["development", "standard"], default="standard")
    p.add_argument("--faults", default=None, help="e.g. latency_ms=100,transient=0.2,seed=1")
    a = p.parse_args(argv)
    try:
        serve(
            host=a.host,
            port=a.port,
            db=a.db,
            scenario=a.scenario,
            seed=a.seed,
            token=a.token,
            app_secret=a.app_secret,
            tier=a.tier,
            faults=a.faults,
        )
    except ValueError as exc:
        p.error(str(exc))


if __name__ == "__main__":
    main()
