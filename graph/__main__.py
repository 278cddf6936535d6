"""`python -m graph` runs the adpilot CLI (same as the `adpilot` console script)."""

from graph.cli import app

app(prog_name="adpilot")
