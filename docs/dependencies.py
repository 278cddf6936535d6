"""Draw adpilot's package dependency diagram from the code: `make diagram` → docs/dependencies.png.

The import graph comes from grimp (the library import-linter checks the layers with), so the
picture and `make lint` read the same imports. Each box is a package (agents and the larger
packages are split into their subpackages); an arrow A → B means some module in A imports one
in B. Boxes are placed in rows by the longest chain of imports below them, so every arrow
points down: the drawing is itself a check that the layers hold.

`python docs/dependencies.py --text` prints the edges instead of drawing them.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["graph", "agents", "tools", "prompts", "state", "sandbox", "evals", "bench"]
# Packages drawn as their subpackages rather than as one box.
EXPAND = {"agents", "agents.optimize", "agents.orchestrator", "graph"}
COLOURS = {
    "graph": "#d9e8fb", "agents": "#fde9c9", "prompts": "#e8e0f5", "tools": "#d8f0dc",
    "state": "#f6d6d6", "sandbox": "#e3e3e3", "evals": "#fff7b8", "bench": "#fff7b8",
}


def box_of(module: str, packages: set[str]) -> str:
    """Return the box a module is drawn in: its deepest prefix that is not expanded further."""
    parts = module.split(".")
    if parts[-1] == "__main__" and ".".join(parts[:-1]) in EXPAND:
        return module  # an expanded package's entry point sits above the rest of it
    name = parts[0]
    for part in parts[1:]:
        if name not in EXPAND or f"{name}.{part}" not in packages:
            break
        name = f"{name}.{part}"
    return name


def dependencies() -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Return (modules per box, imports per (importer box, imported box))."""
    import grimp

    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES)
    packages = {m for m in graph.modules if (ROOT / m.replace(".", "/") / "__init__.py").exists()}
    sizes: dict[str, int] = defaultdict(int)
    edges: dict[tuple[str, str], int] = defaultdict(int)
    for module in graph.modules:
        src = box_of(module, packages)
        sizes[src] += 1
        for imported in graph.find_modules_directly_imported_by(module):
            dst = box_of(imported, packages)
            if dst != src:
                edges[(src, dst)] += 1
    return dict(sizes), dict(edges)


def rows(boxes: list[str], edges: dict[tuple[str, str], int]) -> dict[str, int]:
    """Row of each box: the length of the longest import chain below it (0 = imports nothing)."""
    below: dict[str, set[str]] = defaultdict(set)
    for src, dst in edges:
        below[src].add(dst)
    depth: dict[str, int] = {}

    def visit(box: str, seen: tuple[str, ...] = ()) -> int:
        if box in seen:
            raise SystemExit(f"import cycle between packages: {' -> '.join((*seen, box))}")
        if box not in depth:
            depth[box] = 1 + max((visit(d, (*seen, box)) for d in below[box]), default=-1)
        return depth[box]

    for box in boxes:
        visit(box)
    return depth


def draw(out: Path) -> None:
    """Write the diagram to `out` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    sizes, edges = dependencies()
    linked = {b for e in edges for b in e}
    boxes = sorted(b for b in sizes if b in linked or b not in EXPAND)  # drop bare __init__ boxes
    row = rows(boxes, edges)
    by_row: dict[int, list[str]] = defaultdict(list)
    for box in boxes:
        by_row[row[box]].append(box)
    height = max(by_row) + 1
    width = max(len(v) for v in by_row.values())
    span = 2.5 * width  # data units across; a box is 2.1 wide
    fig, ax = plt.subplots(figsize=(2.2 * width + 1, 0.9 * height + 1), dpi=110)
    pos: dict[str, tuple[float, float]] = {}
    for r, names in by_row.items():
        names.sort(key=lambda b: (PACKAGES.index(b.split(".")[0]), b))
        for i, name in enumerate(names):
            pos[name] = ((i + 0.5) * span / len(names), r + 0.5)
    for (src, dst), n in sorted(edges.items()):
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        ax.annotate("", xy=(x2, y2 + 0.22), xytext=(x1, y1 - 0.22),  # importer above, imported below
                    arrowprops={"arrowstyle": "-|>", "color": "#8a8a8a", "lw": 0.6 + 0.15 * min(n, 12),
                                "alpha": 0.55, "shrinkA": 0, "shrinkB": 0})
    for name, (x, y) in pos.items():
        ax.add_patch(FancyBboxPatch((x - 1.05, y - 0.22), 2.1, 0.44, boxstyle="round,pad=0.02",
                                    fc=COLOURS[name.split(".")[0]], ec="#555555", lw=0.8))
        ax.text(x, y + 0.05, name, ha="center", va="center", fontsize=9, weight="bold")
        n = sizes[name]
        ax.text(x, y - 0.12, f"{n} module{'s' if n != 1 else ''}", ha="center", va="center", fontsize=7,
                color="#444444")
    ax.set_xlim(-0.2, span + 0.2)
    ax.set_ylim(-0.1, height + 0.1)
    ax.axis("off")
    ax.set_title("adpilot: who imports whom (generated by `make diagram`; arrows point down)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    """Draw the diagram, or print its edges with --text."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="print the edges, do not draw")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dependencies.png")
    args = parser.parse_args()
    if args.text:
        sizes, edges = dependencies()
        row = rows(sorted(sizes), edges)
        for box in sorted(sizes, key=lambda b: (-row[b], b)):
            targets = sorted(d for s, d in edges if s == box)
            print(f"{box} ({sizes[box]} modules) -> {', '.join(targets) or '-'}")
        return
    draw(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
