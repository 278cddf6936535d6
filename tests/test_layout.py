"""The house rules a newcomer relies on: small agent packages, long modules explained, docstrings.

The import layers and cycles are checked by import-linter in `make lint` (contracts in
pyproject.toml); this module checks what import-linter cannot.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["graph", "agents", "tools", "prompts", "state", "sandbox", "evals", "bench"]
MAX_MODULES_PER_AGENT_PACKAGE = 14  # "about a dozen", counting __init__.py
LONG = 330  # "about 300 lines"
REASON = "Longer than 300 lines because"


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_no_package_under_agents_holds_more_than_about_a_dozen_modules():
    crowded = {}
    for init in (ROOT / "agents").rglob("__init__.py"):
        count = len(list(init.parent.glob("*.py")))
        if count > MAX_MODULES_PER_AGENT_PACKAGE:
            crowded[str(init.parent.relative_to(ROOT))] = count
    assert not crowded, f"split these packages (modules per package): {crowded}"


def test_every_module_over_about_300_lines_says_why_at_its_top():
    unexplained = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if REASON not in doc:
            unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not unexplained, (
        f"split these modules, or say why at the top of the docstring ({REASON!r} …): "
        + ", ".join(unexplained)
    )


def test_every_package_and_module_says_what_it_owns():
    missing = [str(p.relative_to(ROOT)) for p in modules()
               if p.stat().st_size and not ast.get_docstring(ast.parse(p.read_text("utf-8")))]
    assert not missing, f"add a docstring saying what each owns: {missing}"
