"""Checks of the fault benches: does the sandbox hold exactly the tree the ledger says?

`check_tree(sb, ledger_path, reference)` compares every stored campaign, ad set, creative and
ad (deleted ones included) with the ledger and, optionally, with an uncrashed reference run.
An object is known by its name and its adpilot ad labels (`mark`): names are the plan's,
untagged by default (`ADPILOT_NAME_TAGS`), so two ads may share one; their labels differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from state.ledger import TERMINAL

TREE_TYPES = ("campaign", "adset", "adcreative", "ad")


def sandbox_objects(sb: Any) -> dict[str, list[dict[str, Any]]]:
    """Every stored object of the tree types (deleted ones included)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for t in TREE_TYPES:
        body = sb.admin("GET", f"/__sandbox__/objects?type={t}")
        out[t] = body.get("data", []) if isinstance(body, dict) else list(body)
    return out


def mark(o: dict[str, Any]) -> str:
    """An object's name with its adpilot ad labels: what tells two created objects apart."""
    labels = sorted(str(lb.get("name")) for lb in o.get("adlabels") or []
                    if isinstance(lb, dict) and str(lb.get("name", "")).startswith("ap-"))
    return " ".join([str(o.get("name")), *labels])


def _shape(objs: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, str, str]]:
    """(type, mark, status, parent's mark) of every object: ids differ per run."""
    names = {str(o["id"]): mark(o) for rows in objs.values() for o in rows}

    def parent(o: dict[str, Any]) -> str:
        pid = o.get("adset_id") or o.get("campaign_id")
        if not pid and isinstance(o.get("creative"), dict):
            pid = o["creative"].get("creative_id")
        return names.get(str(pid), "") if pid else ""

    return sorted(
        (t, mark(o), str(o.get("status")), parent(o))
        for t, rows in objs.items()
        for o in rows
    )


def check_tree(sb: Any, ledger_path: Path | str, reference: list | None = None) -> dict[str, Any]:
    """Compare the sandbox with the ledger (and the reference tree); list every mismatch."""
    from state.ledger import Ledger

    objs = sandbox_objects(sb)
    problems: list[str] = []
    names: dict[str, int] = {}
    for t, rows in objs.items():
        for o in rows:
            names[f"{t} {mark(o)}"] = names.get(f"{t} {mark(o)}", 0) + 1
    duplicates = sum(n - 1 for n in names.values() if n > 1)
    if duplicates:
        problems.append(f"{duplicates} duplicate object(s) by name and label")
    ledger = Ledger(ledger_path)
    try:
        ok, chain = ledger.verify()
        problems += [f"ledger chain: {c}" for c in chain]
        created = {r["meta_id"]: r for r in ledger.created_objects(None)}
        rows = ledger.rows()
    finally:
        ledger.close()
    by_id = {str(o["id"]): (t, o) for t, rs in objs.items() for o in rs}
    orphans = [i for i in by_id if i not in created]
    if orphans:
        problems.append(f"{len(orphans)} object(s) at Meta with no done create in the ledger")
    ghosts = [
        i
        for i, r in created.items()
        if r["object_type"] in ("campaign", "adset", "creative", "ad") and i not in by_id
    ]
    if ghosts:
        problems.append(f"{len(ghosts)} ledger create(s) with no object at Meta")
    pending = [r for r in rows if r["status"] not in TERMINAL  # refused: never sent
               and r["op"] == "create"]
    if pending:
        problems.append(f"{len(pending)} create(s) left unresolved in the ledger")
    from tools.audit import unresolved_writes

    loose = unresolved_writes(rows)
    if loose["unresolved"]:
        problems.append(
            f"{len(loose['unresolved'])} write(s) with no known outcome and no "
            "identical later write that is done"
        )
    last_status: dict[str, str] = {}
    for r in rows:
        raw = r.get("after")
        after: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if r["status"] == "done" and r.get("meta_id") and after.get("status"):
            last_status[str(r["meta_id"])] = after["status"]
    for oid, status in last_status.items():
        if oid in by_id and by_id[oid][1].get("status") != status:
            problems.append(
                f"{oid}: sandbox status {by_id[oid][1].get('status')} != ledger {status}"
            )
    if reference is not None and _shape(objs) != reference:
        problems.append("the tree differs from the uncrashed reference launch")
    return {
        "ok": not problems,
        "problems": problems,
        "duplicates": duplicates,
        "orphans": len(orphans),
        "superseded": len(loose["superseded"]),
        "ledger_matches": not (orphans or ghosts or pending or loose["unresolved"]) and ok,
        "objects": sum(len(v) for v in objs.values()),
    }


