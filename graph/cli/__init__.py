"""The `adpilot` command line (Typer + Rich): one `app`, one module per command group.

`graph.cli:app` is the console script and `python -m graph`. Importing this package imports
every group, each registering its commands on `graph/cli/root.py`'s `app`:

- `launch`: plan, run, approve, resume
- `status`: status
- `demo`: demo
- `trace`: trace
- `tick`: tick
- `loop`: optimize, report
- `sandbox`: sandbox serve
- `safety`: stop
- `undo`: undo
- `audit`: policy, audit verify|reconcile|log
- `accounts`: accounts
- `ask`: ask, watch
- `mcp`: mcp
- `web`: web (the browser inbox and dashboard, `graph/web/`)

`adpilot --help` lists commands in registration order, so the groups are imported in that
order (not sorted). Each group imports only Typer, Rich and the CLI's own small modules at
the top; a command imports the graph, the Meta client and the stores when it runs, so
`adpilot --help` and `adpilot status` start without LangGraph (`bench/cli_startup.py`).
"""

from graph.cli.root import app

# isort: off
from graph.cli import (  # noqa: F401,E402
    launch, status, demo, trace, tick, loop, sandbox, safety, undo, audit, accounts, ask, mcp,
    web,
)
# isort: on
from graph.cli.errors import answer_json_errors  # noqa: E402

answer_json_errors(app)  # an error under --json is JSON on stdout too, in every command

__all__ = ["app"]
