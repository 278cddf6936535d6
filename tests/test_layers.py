"""`make lint` enforces the layers: import-linter passes on this tree and fails when one breaks.

Each breaking case copies the packages and pyproject.toml to a temporary folder, adds one
import, and runs the same `lint-imports` `make lint` runs there.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["graph", "agents", "tools", "prompts", "state", "sandbox", "evals", "bench"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("layers")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dst / package,
                        ignore=shutil.ignore_patterns("__pycache__", "data", "scenarios"))
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")
    return dst


def with_import(tree: Path, module: str, line: str) -> Path:
    path = tree / (module.replace(".", "/") + ".py")
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}\n", encoding="utf-8")
    return path


def test_the_contracts_hold_on_this_tree():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "message"), [
    # state importing the wiring: an upward import across the top-level layers
    ("state.money", "import graph.builder", "state is not allowed to import graph"),
    # the orchestrator reaching up into the optimise loop: the layers inside agents
    ("agents.orchestrator.card", "import agents.optimize.cycle",
     "agents.orchestrator is not allowed to import agents.optimize"),
    # the sandbox importing adpilot's seam to Meta
    ("sandbox.store", "import tools.meta_client", "sandbox is not allowed to import tools"),
    # a cycle between two sibling modules of one package
    ("sandbox.store", "import sandbox.app", "No cycles are allowed in sandbox"),
])
def test_make_lint_fails_when_a_contract_breaks(tree: Path, module: str, line: str, message: str):
    path = with_import(tree, module, line)
    original = path.read_text(encoding="utf-8").removesuffix(f"\n{line}\n")
    try:
        done = lint_imports(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert done.returncode != 0
    assert message in " ".join(done.stdout.split()), done.stdout[-3000:]
