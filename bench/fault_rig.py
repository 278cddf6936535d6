"""The shared rig of the fault benches (`bench.faults`, `bench.lost_responses`, `bench.races`,
`bench.storage_faults`): the bench brief, a sandbox on loopback, the environment of an
`adpilot` child process, and a private copy of a starting point.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

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
