"""Virtual environments for the third-party Meta clients the `clients` suite drives.

Each client gets its own venv so its dependencies never mix with adpilot's (meta-ads-mcp pins
its own mcp/httpx/pydantic; Meta's CLI ships compiled cp312 modules and an older
facebook_business). They live under `.cache/clients/<package>-<version>/` (ignored by git),
are built on first use from the pinned lists in `tests/clients/requirements/` and reused while
those lists and the interpreter stay the same::

    python tests/clients/setup_envs.py            # both clients (what `make test-clients` runs)
    python tests/clients/setup_envs.py meta-ads   # one

`ensure(name)` returns the venv's python or raises `Unavailable` with what to install or why
the install failed (no network, no Python 3.12); the suite turns that into a skip naming it.
Python 3.12 for Meta's CLI comes from `$ADPILOT_PY312`, `python3.12` on PATH, or pyenv.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "clients"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements"
STAMP = ".adpilot-clients-stamp"


@dataclass(frozen=True)
class Client:
    """A third-party client: its PyPI name, the pinned version and the Pythons it runs on."""

    package: str
    version: str
    python: tuple[int, int]  # the minimum (meta-ads-mcp) or the only one (meta-ads)
    exact_python: bool = False

    @property
    def venv(self) -> Path:
        return CACHE / f"{self.package}-{self.version}"

    @property
    def requirements(self) -> Path:
        return REQUIREMENTS / f"{self.package}.txt"


CLIENTS = {
    "meta-ads-mcp": Client("meta-ads-mcp", "1.0.128", (3, 11)),
    "meta-ads": Client("meta-ads", "1.2.0", (3, 12), exact_python=True),
}


class Unavailable(Exception):
    """The client cannot run here; the message says what to install or what failed."""


_FAILED: dict[str, str] = {}  # a failed install is not retried by the same process


def _version_of(python: str) -> tuple[int, int] | None:
    """(major, minor) of an interpreter, or None when it does not run (e.g. a pyenv shim)."""
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()
        major, minor = out.split(".")
        return int(major), int(minor)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def find_python(client: Client) -> str:
    """An interpreter the client runs on, or `Unavailable` naming what to install."""
    if not client.exact_python and sys.version_info[:2] >= client.python:
        return sys.executable
    want = f"{client.python[0]}.{client.python[1]}"
    candidates = [os.environ.get("ADPILOT_PY312", "")] if client.python == (3, 12) else []
    candidates.append(shutil.which(f"python{want}") or "")
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/{want}.*/bin/python"), reverse=True)
    for python in filter(None, candidates):
        found = _version_of(python)
        if found == client.python or (found and not client.exact_python and found > client.python):
            return python
    raise Unavailable(
        f"{client.package}=={client.version} needs Python {want}"
        f"{'' if client.exact_python else '+'} (its wheels are built for it): install it "
        f"(e.g. `pyenv install {want}` or `apt-get install python{want} python{want}-venv`) "
        f"or set ADPILOT_PY312 to its interpreter"
    )


def _stamp(client: Client, python: str) -> str:
    digest = hashlib.sha256(client.requirements.read_bytes()).hexdigest()[:16]
    return f"{client.package}=={client.version} {digest} {os.path.realpath(python)}\n"


def venv_python(client: Client) -> Path:
    return client.venv / "bin" / "python"


def ensure(name: str) -> Path:
    """The python of `name`'s venv, built first if missing or stale; `Unavailable` if it cannot be."""
    if name in _FAILED:
        raise Unavailable(_FAILED[name])
    try:
        return _ensure(CLIENTS[name])
    except Unavailable as exc:
        _FAILED[name] = str(exc)
        raise


def _ensure(client: Client) -> Path:
    python = find_python(client)
    stamp = _stamp(client, python)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{client.package}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers may ask at the same time
        stamp_file = client.venv / STAMP
        if stamp_file.exists() and stamp_file.read_text() == stamp and venv_python(client).exists():
            return venv_python(client)
        shutil.rmtree(client.venv, ignore_errors=True)
        steps = [
            [python, "-m", "venv", str(client.venv)],
            [str(venv_python(client)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(client.requirements)],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, cwd=CACHE)
            if done.returncode != 0:
                shutil.rmtree(client.venv, ignore_errors=True)
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                raise Unavailable(
                    f"could not install {client.package}=={client.version} into {client.venv} "
                    f"(no network or package index?): " + " | ".join(tail)
                )
        stamp_file.write_text(stamp)
        return venv_python(client)


def main(argv: list[str]) -> int:
    """Build the named clients' venvs (all by default); print one line each. Always exits 0.

    A client that cannot be installed is reported, not fatal: its tests skip with the reason.
    """
    for name in argv or list(CLIENTS):
        if name not in CLIENTS:
            print(f"unknown client {name!r}; known: {', '.join(CLIENTS)}", file=sys.stderr)
            return 2
        try:
            print(f"{name}: {ensure(name)}")
        except Unavailable as exc:
            print(f"{name}: unavailable, its tests will skip: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
