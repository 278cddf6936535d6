"""The `adpilot` command line (Typer + Rich): one `app`, one module per command group.

`graph.cli:app` is the console script and `python -m graph`. Importing this package imports
every group, each registering its commands on `graph/cli/root.py`'s `app`:

- `launch`: plan, run, approve, resume, status
- `demo`: demo
- `trace`: trace
- `loop`: tick, optimize, report
- `sandbox`: sandbox serve
- `safety`: stop, undo, audit verify|reconcile|log, policy
- `accounts`: accounts
- `ask`: ask, watch
- `mcp`: mcp

`adpilot --help` lists commands in registration order, so the groups are imported in that
order (not sorted).
"""

from graph.cli.root import app

# isort: off
from graph.cli import launch, demo, trace, loop, sandbox, safety, accounts, ask, mcp  # noqa: F401,E402
# isort: on

__all__ = ["app"]
