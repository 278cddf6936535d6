"""Silent errors on messy briefs: `python -m evals.messy [--dataset FILE ...] [--json] [--verbose] [--model P:M]`.

A *silent error* is the failure a marketer never forgives: the planner hands back a plan that
could launch as it is (no problems, no questions) although it is not what the brief asked for —
a labelled field is wrong, or the brief says something the plan cannot honour and it was not
flagged. A plan that is wrong but flagged (a problem, a question) is not silent: a person is
stopped and told. So the floor is **0 silent errors**; field accuracy is reported beside it.

Rows (`evals/datasets/messy_*.jsonl`, one JSON object a line):

    {"id": "m001", "brief": "...", "defaults": {"currency": "USD", "today": "2026-03-02", ...},
     "tags": ["geo", "exclusion"],
     "expected": {"<field path>": value, ...},
     "must_flag": false,
     "flag_phrases": ["cost cap"]}

- `expected` uses the field paths of `evals/evaluators.py` (dotted plan paths with `[i]` / `[*]`,
  `len(...)`, `interests`, `schedule_days`, `start_time` / `end_time` by date, `questions`,
  `problems`), plus `languages` (names of `ad_sets[0]`'s locales, lower case) and `go_live`.
- `must_flag: true`: the plan must not be launchable (a problem or a question must stop it).
- `flag_phrases`: words of the brief the flag must name — each must appear (case-insensitive)
  in a problem's message, a question, or a `not_understood` phrase. Scored as `named`.
- Capability rows (`datasets/CAPABILITIES.md`) add `kind` (`plan` | `clarify` | `refuse`,
  with `must_flag == (kind != "plan")`, checked on load), `capabilities` (for slicing) and, on
  refuse rows, `problem_field`: some problem's `path` or `message` must contain it. Their
  invented label keys resolve in `evals/capability_keys.py`; a key nothing resolves stops the
  load with an error listing it.

Scores per dataset: `fields` (right / checked), `silent_errors` (launchable and wrong, or
launchable when it must be flagged), `flagged_right` (must-flag rows stopped), `over_asked`
(rows with `must_flag: false` that were stopped anyway: not an error of trust, a cost in
friction), `named` (flagged rows whose flags name the phrases), `refused_right` (refuse rows
with a problem naming `problem_field`), `correct` (rows whose outcome is right for their kind:
see `row_correct`; a row with a label the offline run cannot judge is *not judged*: neither
right nor wrong, counted apart), `not_applicable` (labels the offline run cannot judge, e.g. a delivery
estimate: listed, never counted right), and `slices` by kind and by capability.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from evals.capability_keys import UnknownKey, check_keys
from evals.evaluators import field_results
from evals.jsonl import load_jsonl

DATASETS = Path(__file__).parent / "datasets"
DEFAULT_FILES = ("messy_briefs.jsonl",)
KINDS = ("plan", "clarify", "refuse")


def load(path: Path) -> list[dict[str, Any]]:
    """Read a messy-brief JSONL file, naming the line of any malformed row."""
    seen: set[str] = set()

    def check(row: dict[str, Any]) -> str | None:
        if not isinstance(row["must_flag"], bool):
            return "must_flag must be true or false"
        if row["id"] in seen:
            return f"duplicate id {row['id']!r}"
        seen.add(row["id"])
        kind = row.get("kind")
        if kind is not None:
            if kind not in KINDS:
                return f"kind must be one of {', '.join(KINDS)}, not {kind!r}"
            if row["must_flag"] != (kind != "plan"):
                return f"must_flag must be {kind != 'plan'} for a {kind} row"
        if row.get("problem_field") and kind != "refuse":
            return "problem_field belongs on refuse rows"
        if kind == "refuse" and not row.get("problem_field"):
            return "a refuse row needs problem_field (the field its problem must name)"
        if not isinstance(row["expected"], dict):
            return "expected must be an object of label key -> value"
        try:
            check_keys(row["expected"], f"row {row['id']}: ")
        except UnknownKey as exc:
            return str(exc)
        return None

    return load_jsonl(path, ("id", "brief", "expected", "must_flag"), check)


def launchable(outputs: dict[str, Any]) -> bool:
    """A plan that could go to approval as it is: a plan, no problems, no questions."""
    return bool(outputs.get("plan")) and not outputs.get("problems") and \
        not outputs.get("questions")


def flag_texts(outputs: dict[str, Any]) -> str:
    """Everything a flag says, lower-cased: problems, questions, not-understood phrases."""
    parts: list[str] = []
    for p in outputs.get("problems") or []:
        parts += [str(p.get(k) or "") for k in ("message", "fix", "path")] \
            if isinstance(p, dict) else [str(p)]
    for q in outputs.get("questions") or []:
        parts += [str(q.get("question") or ""), str(q.get("field") or "")] \
            if isinstance(q, dict) else [str(q)]
    for u in outputs.get("not_understood") or []:
        parts.append(str(u.get("phrase") or "") if isinstance(u, dict) else str(u))
    return "\n".join(parts).lower()


def score_row(row: dict[str, Any], outputs: dict[str, Any],
              results: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Score one brief: field results, launchable, silent error, and whether flags name phrases.

    `results` are the row's `field_results` when the caller already has them.
    """
    if results is None:
        results = field_results(outputs, row["expected"], (row.get("defaults") or {}).get("today"))
    na = [r for r in results if r.get("na")]
    results = [r for r in results if not r.get("na")]
    wrong = [r for r in results if not r["ok"]]
    ok_to_launch = launchable(outputs)
    silent = ok_to_launch and (row["must_flag"] or bool(wrong))
    texts = flag_texts(outputs)
    phrases = row.get("flag_phrases") or []
    unnamed = [p for p in phrases if p.lower() not in texts]
    refused = problem_names(outputs, row["problem_field"]) if row.get("problem_field") else None
    named = not ok_to_launch and not unnamed
    out = {
        "id": row["id"], "tags": row.get("tags") or [], "must_flag": row["must_flag"],
        "kind": row.get("kind"), "capabilities": row.get("capabilities") or [],
        "launchable": ok_to_launch, "silent": silent, "refused": refused,
        "not_applicable": [r["path"] for r in na],
        "right": len(results) - len(wrong), "total": len(results), "misses": wrong,
        "named": named, "unnamed": unnamed,
        "flags": [p.get("message") for p in outputs.get("problems") or [] if isinstance(p, dict)]
        + [q.get("question") for q in outputs.get("questions") or [] if isinstance(q, dict)],
    }
    # A row with a label nobody could judge offline is not called right (nor wrong).
    out["correct"] = None if na else row_correct(out, bool(phrases))
    return out


def problem_names(outputs: dict[str, Any], field: str) -> bool:
    """Whether some problem's path or message contains `field` (case-insensitive)."""
    needle = field.lower()
    return any(needle in str(p.get("path") or "").lower() or
               needle in str(p.get("message") or "").lower()
               for p in outputs.get("problems") or [] if isinstance(p, dict))


def row_correct(b: dict[str, Any], has_phrases: bool) -> bool:
    """The row's outcome is right for its kind.

    plan (or must_flag false): launchable with every labelled field right; clarify (or
    must_flag true): stopped, every labelled field right (incl. the questions asked) and the
    flag naming the phrases; refuse: that, and a problem naming `problem_field`.
    """
    fields_right = b["right"] == b["total"]
    if not b["must_flag"]:
        return b["launchable"] and fields_right
    stopped = not b["launchable"] and fields_right and (b["named"] or not has_phrases)
    return stopped and (b["kind"] != "refuse" or bool(b["refused"]))


def slices(per_brief: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rows, correct, silent and fields right per `kind:<k>` and `capability:<c>`."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in per_brief:
        if b["kind"]:
            groups[f"kind:{b['kind']}"].append(b)
        for c in b["capabilities"]:
            groups[f"capability:{c}"].append(b)
    return {name: {"rows": len(bs), "correct": sum(b["correct"] is True for b in bs),
                   "not_judged": sum(b["correct"] is None for b in bs),
                   "silent": sum(b["silent"] for b in bs),
                   "fields_right": sum(b["right"] for b in bs),
                   "fields": sum(b["total"] for b in bs)}
            for name, bs in sorted(groups.items())}


def evaluate(rows: list[dict[str, Any]], planner: Any = plan_brief) -> dict[str, Any]:
    """Run the planner over every row; return the dataset's scores and per-brief results."""
    started = time.perf_counter()
    per_brief = []
    per_path: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        defaults = PlanDefaults.from_dict(row.get("defaults") or {})
        outputs = planner(row["brief"], defaults).to_dict()
        results = field_results(outputs, row["expected"], (row.get("defaults") or {}).get("today"))
        for r in results:
            per_path[r["path"]].append(r["ok"])
        per_brief.append(score_row(row, outputs, results))
    must = [b for b in per_brief if b["must_flag"]]
    free = [b for b in per_brief if not b["must_flag"]]
    named_rows = [b for row, b in zip(rows, per_brief, strict=True)
                  if not b["launchable"] and row.get("flag_phrases")]
    right = sum(b["right"] for b in per_brief)
    total = sum(b["total"] for b in per_brief)
    refuse = [b for b in per_brief if b["refused"] is not None]
    return {
        "briefs": len(per_brief), "seconds": round(time.perf_counter() - started, 3),
        "fields_right": right, "fields": total, "accuracy": right / total if total else 1.0,
        "silent_errors": sum(b["silent"] for b in per_brief),
        "must_flag": len(must), "flagged_right": sum(not b["launchable"] for b in must),
        "free": len(free), "over_asked": sum(not b["launchable"] for b in free),
        "named": sum(b["named"] for b in named_rows), "naming_checked": len(named_rows),
        "refuse": len(refuse), "refused_right": sum(bool(b["refused"]) for b in refuse),
        "correct": sum(b["correct"] is True for b in per_brief),
        "not_judged": sum(b["correct"] is None for b in per_brief),
        "not_applicable": [f"{b['id']}:{p}" for b in per_brief for p in b["not_applicable"]],
        "slices": slices(per_brief),
        "by_path": {p: {"right": sum(v), "total": len(v)} for p, v in sorted(per_path.items())},
        "per_brief": per_brief,
    }


def summary_line(name: str, r: dict[str, Any]) -> str:
    """One line a person reads: silent errors first, then accuracy and friction."""
    line = (f"{name}: {r['silent_errors']} silent error(s) in {r['briefs']} briefs; fields "
            f"{r['accuracy']:.1%} ({r['fields_right']}/{r['fields']}); must-flag stopped "
            f"{r['flagged_right']}/{r['must_flag']}; over-asked {r['over_asked']}/{r['free']}; "
            f"flags name the phrase {r['named']}/{r['naming_checked']}")
    if r.get("refuse"):
        line += f"; refusals name the field {r['refused_right']}/{r['refuse']}"
    if r.get("slices"):
        judged = r["briefs"] - r.get("not_judged", 0)
        line += f"; rows right for their kind {r['correct']}/{judged}"
        if r.get("not_judged"):
            line += f" ({r['not_judged']} not judged offline)"
    if r.get("not_applicable"):
        line += (f"; {len(r['not_applicable'])} label(s) not applicable offline "
                 f"({', '.join(r['not_applicable'])}: no delivery estimate without Meta)")
    return line


def slice_lines(r: dict[str, Any]) -> list[str]:
    """One indented line per slice (kind, capability): rows right, silent, fields."""
    return [f"    {name:<32} right {v['correct']}/{v['rows'] - v['not_judged']}"
            + (f" (+{v['not_judged']} not judged)" if v["not_judged"] else "")
            + f"  silent {v['silent']}  fields {v['fields_right']}/{v['fields']}"
            for name, v in (r.get("slices") or {}).items()]


def _print(name: str, report: dict[str, Any], verbose: bool) -> None:
    for b in report["per_brief"]:
        if b["silent"] or (verbose and (b["misses"] or b["unnamed"])):
            label = "SILENT" if b["silent"] else ("flagged" if not b["launchable"] else "ok")
            detail = "; ".join(f"{m['path']} expected {m['expected']!r} got {m['actual']!r}"
                               for m in b["misses"])
            if b["must_flag"] and b["launchable"]:
                detail = "; ".join(filter(None, ["must be flagged but is launchable", detail]))
            if b["unnamed"]:
                detail += f"; flags do not name {b['unnamed']}"
            if b["refused"] is False:
                detail += "; no problem names the refused field"
            print(f"  {label} {b['id']}: {detail}")
    print(summary_line(name, report))
    for line in slice_lines(report):
        print(line)


def main(argv: list[str] | None = None) -> int:
    """Score the messy datasets; exit 1 when any has a silent error."""
    ap = argparse.ArgumentParser(prog="python -m evals.messy", description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, action="append",
                    help="a messy JSONL file (repeatable; default: messy_briefs.jsonl)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="also list flagged rows' misses")
    ap.add_argument("--model", default="rules",
                    help="score the LLM planner with this provider:model (default: the rules planner)")
    args = ap.parse_args(argv)
    paths = args.dataset or [DATASETS / f for f in DEFAULT_FILES]
    planner: Any = plan_brief
    if args.model != "rules":
        import functools

        from agents.orchestrator.planning import llm

        planner = functools.partial(llm.plan_brief, model=args.model)
    reports = {p.stem: evaluate(load(p), planner) for p in paths}
    if args.json:
        print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "per_brief"}
                          for k, v in reports.items()}, indent=2))
    else:
        for name, report in reports.items():
            _print(name, report, args.verbose)
    return 1 if any(r["silent_errors"] for r in reports.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
