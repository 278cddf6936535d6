"""What the run settings (`state/context.py`, `state/policy.py`) share: the environment, `.env`.

Also `doc(text)`, the dataclass field metadata that says what a setting means (the CLI's
policy table shows it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def doc(text: str) -> dict[str, str]:
    """Return dataclass field metadata describing a setting."""
    return {"description": text}


def load_env_file(path: str = ".env") -> None:
    """Load `.env` into the environment without overriding variables already set."""
    if os.path.exists(path):
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def env_value(name: str, env: Mapping[str, str] | None) -> str | None:
    """Return a variable of `env` (None: the process environment), stripped; empty means None."""
    value = (env if env is not None else os.environ).get(name)
    return value.strip() or None if value is not None else None
