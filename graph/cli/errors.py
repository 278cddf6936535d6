"""How a command fails: one clear line on stderr, an exit code, and JSON on stdout under --json.

`fail()` is the one way out with an error (exit 2 for input, 1 for an internal error;
`graph/cli/exits.py`); `clear_errors()` turns the errors a person can act on (Meta's, a
launch's, a bad value) into such a line instead of a traceback. A script that passed `--json`
reads stdout, so it gets `{"error", "exit_code"}` there too: `answer_json_errors` notes, for
every command of the app at once, when one runs with `--json`.

Imported when `adpilot` starts: Typer and Rich only at the top.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn

import typer

from graph.cli.console import err_console
from graph.cli.exits import EXIT_INTERNAL, EXIT_INVALID

# Set while a command given `--json` runs: a script reads its stdout (`answer_json_errors`).
_JSON_RUN: ContextVar[dict[str, bool] | None] = ContextVar("adpilot_json_run", default=None)


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print an error and exit with `code`.

    Under `--json` a script reads stdout, so it also gets `{"error", "exit_code"}` there,
    unless this command already printed its JSON document (which carries the exit code).
    """
    err_console.print(f"[red]error:[/] {message}")
    run = _JSON_RUN.get()
    if run is not None and not run["printed"]:
        typer.echo(json.dumps({"error": message, "exit_code": code}, indent=2))
        run["printed"] = True
    raise typer.Exit(code)


def printed_json() -> None:
    """Note that this command printed its `--json` document (a later `fail` prints no other)."""
    if (run := _JSON_RUN.get()) is not None:
        run["printed"] = True


def answer_json_errors(app: typer.Typer) -> None:
    """Make every command of `app` (and its sub-apps) note when it runs with `--json`.

    Done once for the whole CLI (`graph/cli/__init__.py`) so no command can forget it: each
    command's `--json` parameter is `as_json`.
    """
    def noting(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = _JSON_RUN.set({"printed": False} if kwargs.get("as_json") else None)
            try:
                return command(*args, **kwargs)
            finally:
                _JSON_RUN.reset(token)
        return wrapper

    for info in app.registered_commands:
        if info.callback is not None:
            info.callback = noting(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            answer_json_errors(group.typer_instance)


def _clear_message(exc: Exception) -> tuple[str, int] | None:
    """Return the one-line message and exit code of an error a person can act on (None: a bug)."""
    from agents.common import LaunchError
    from state.control import LeaseLost, ThreadBusy, ThreadStopped
    from state.storage import StorageError
    from tools.errors import MetaError, ThrottledError

    if isinstance(exc, ThrottledError):
        return exc.words(), EXIT_INTERNAL
    if isinstance(exc, MetaError):
        return f"Meta refused or failed: {exc}", EXIT_INTERNAL
    if isinstance(exc, LaunchError | StorageError | LeaseLost):
        return str(exc), EXIT_INTERNAL
    if isinstance(exc, KeyError | ValueError | ThreadBusy | ThreadStopped):
        return str(exc).strip("'\""), EXIT_INVALID
    return None


@contextmanager
def clear_errors() -> Iterator[None]:
    """Turn Meta, launch and input errors into a one-line message and an exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except Exception as exc:
        said = _clear_message(exc)
        if said is None:
            raise
        fail(*said)
