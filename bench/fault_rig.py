"""The shared rig of the fault benches (`bench.faults`, `bench.lost_responses`, `bench.races`,
`bench.storage_faults`): the bench brief, a sandbox on loopback, the environment of an
`adpilot` child process, a private copy of a starting point, and where the children keep their
state (`Storage`: each home's SQLite files, or a PostgreSQL database per starting point and
trial, copied with `CREATE DATABASE … TEMPLATE`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BRIEF = (
    "Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
    "for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
    "Use images {images}. Shop now."
)
TOKEN = "sandbox-token"


def _sandbox(db: Path, faults: dict[str, Any] | None = None, seed: int = 7) -> Any:
    from sandbox.server import SandboxServer

    sb = SandboxServer(db_path=db, scenario="ecommerce_usd", seed=seed, token=TOKEN,
                       faults=faults)
    return sb.start()


def brief_with_images(folder: Path, brief: str = BRIEF, n: int = 2) -> str:
    """The bench brief with `n` fresh 1080×1080 PNGs written to `folder`."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"shoe_{i}.png"
        Image.new("RGB", (1080, 1080), (40 * i, 120, 200)).save(path)
        paths.append(str(path))
    return brief.replace("{images}", ", ".join(paths))


def _env(home: Path, url: str, brief: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("META_", "ADPILOT_", "LANGSMITH", "LANGCHAIN"))
    }
    env.update(
        META_GRAPH_URL=url,
        META_ACCESS_TOKEN=TOKEN,
        ADPILOT_HOME=str(home),
        ADPILOT_MODEL="rules",
        BENCH_BRIEF=brief,
        PYTHONPATH=str(Path.cwd()),
    )
    return env


def _copy_db(src: Path, dst: Path) -> None:
    """Copy a SQLite database consistently; closing both ends leaves no -wal behind."""
    import sqlite3

    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        b.close()
        a.close()


def copy_home(seed_home: Path, seed_db: Path, folder: Path) -> tuple[Path, Path]:
    """A private copy of a starting point in `folder`: its ADPILOT_HOME and sandbox database.

    Every SQLite file of the home is copied through SQLite's backup (never a half-written
    file), the rest as files.
    """
    home = folder / "home"
    shutil.copytree(seed_home, home,
                    ignore=shutil.ignore_patterns("*-wal", "*-shm", "*.db", "*.sqlite"))
    for f in [*seed_home.glob("*.db"), *seed_home.glob("*.sqlite")]:
        _copy_db(f, home / f.name)
    db = folder / "sandbox.db"
    _copy_db(seed_db, db)
    return home, db


def ledger_at(home: Path, env: dict[str, str]) -> str:
    """Where the ledger of a child with `env` lives: its home's file, or its PostgreSQL database."""
    return env.get("ADPILOT_CHECKPOINT_URL") or str(home / "ledger.db")


class Storage:
    """Where the children of a bench keep their state: SQLite in each home, or PostgreSQL.

    With a PostgreSQL server (`pg_base`, a URL whose user may create databases) every starting
    point gets a database of its own and every trial a copy of it (`CREATE DATABASE …
    TEMPLATE`), beside the copy of the home: the checkpoints, leases, ledger, insights and
    asset cache all move with it.
    """

    def __init__(self, pg_base: str | None = None) -> None:
        self.pg_base = pg_base
        self.created: list[str] = []

    @property
    def backend(self) -> str:
        """`sqlite` or `postgres`."""
        return "postgres" if self.pg_base else "sqlite"

    def _url(self, name: str) -> str:
        assert self.pg_base is not None
        parts = urlsplit(self.pg_base)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))

    def _admin(self, sql: str) -> None:
        import psycopg

        assert self.pg_base is not None
        with psycopg.connect(self.pg_base, autocommit=True) as conn:
            conn.execute(sql)

    def new(self, template: str | None = None) -> str | None:
        """A new database (a copy of `template`'s, a URL this returned) or None on SQLite."""
        if not self.pg_base:
            return None
        name = f"adpilot_bench_{uuid.uuid4().hex[:10]}"
        source = f' TEMPLATE "{urlsplit(template).path.lstrip("/")}"' if template else ""
        self._admin(f'CREATE DATABASE "{name}"{source}')
        self.created.append(name)
        return self._url(name)

    def env(self, env: dict[str, str], url: str | None) -> dict[str, str]:
        """`env` pointed at `url` (unchanged on SQLite)."""
        return {**env, "ADPILOT_CHECKPOINT_URL": url} if url else env

    def drop(self, url: str | None) -> None:
        """Drop a database this made (closing this process's connections to it first)."""
        if not url:
            return
        from state.database import close_all

        close_all()
        name = urlsplit(url).path.lstrip("/")
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        """Drop every database still left (best effort)."""
        for name in list(self.created):
            try:
                self.drop(self._url(name))
            except Exception:  # noqa: BLE001 - cleanup of throwaway databases
                pass
