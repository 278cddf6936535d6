"""The CLI installs the secret scrubber on its log handlers before anything can log a URL."""

import logging

from typer.testing import CliRunner

from graph.cli import app
from state.secrets import ScrubFilter


def test_cli_startup_scrubs_every_log_handler(monkeypatch):
    root = logging.getLogger()
    saved = (root.handlers[:], root.filters[:], root.level)
    try:
        root.handlers.clear()
        root.filters.clear()
        monkeypatch.setenv("ADPILOT_LOG_LEVEL", "DEBUG")
        result = CliRunner().invoke(app, ["status", "--help"])
        assert result.exit_code == 0
        assert root.handlers, "the CLI configures a handler"
        assert all(any(isinstance(f, ScrubFilter) for f in h.filters) for h in root.handlers)
        assert root.level == logging.DEBUG
    finally:
        root.handlers[:], root.filters[:] = saved[0], saved[1]
        root.setLevel(saved[2])
