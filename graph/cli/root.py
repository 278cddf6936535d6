"""The one Typer `app` of the `adpilot` command line and its logging set-up.

Every command group (`graph/cli/launch.py`, `loop.py`, `safety.py`, ...) registers its
commands on this `app`; `graph/cli/__init__.py` imports the groups.
"""

from __future__ import annotations

import logging
import os

import typer

app = typer.Typer(help="Run Meta ads from natural-language briefs; a human approves every spend.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def _setup_logging() -> None:
    """Read `.env`; log to stderr at ADPILOT_LOG_LEVEL (default WARNING), every record scrubbed.

    `.env` is read before any command looks at ADPILOT_HOME, so every command (and `status`)
    finds the same home; variables already set win.
    """
    from state.secrets import install_log_scrubbing
    from state.settings import load_env_file

    load_env_file()
    # The SDK and urllib3 put the access token in request URLs; a DEBUG run must not leak it.
    level = os.environ.get("ADPILOT_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING),
                        format="%(levelname)s %(name)s: %(message)s")
    install_log_scrubbing()
