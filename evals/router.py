"""Score a request router on `requests.jsonl` / `requests_holdout.jsonl` (evals/README.md "Scoring").

Longer than 300 lines because the comparisons, the report and the oracle-scripted model for
`--router llm` all read the one label shape; split, each would restate it.

    python -m evals.router [--router rules|llm] [--json] [--file tuning|holdout|fresh|holdout2|fresh3|holdout3|review2|
                           review2_holdout|review4|review4_holdout|both|all]
                           [--misses]

Per file, separately: route accuracy overall and per route with the confusion matrix, and the
recall of `clarify` and `unsupported`; entity accuracy (the `(type, id)` set), match-kind
accuracy (every expected entity's `match`, so a row labelled fuzzy must come back fuzzy) and
the `candidates` set of clarify rows; params accuracy per key over the keys a label states and
the share of rows with every key right; the later asks (`also`) scored the same way; and the
floors, which must be 0:

- `question_writes` — a `question` row routed to a route of `state.intent.WRITE_ROUTES`. Every
  write route counts, `new_campaign` too: a launch card is a write a question never asked for.
- `refusal_writes` — a `clarify` or `unsupported` row routed to any write route.
- `wrong_entity_writes` — a write route whose entities are not all among the row's expected
  (first-ask) entities; or a later ask (`also`, proposed on its own card afterwards) of a
  write route whose entities are not all among the row's entities, first or later.

Comparisons: metrics and breakdowns as sets; `date_range` after resolving presets with the
world's `date_presets` (`maximum` only equals itself); budget `change` — amounts exactly,
relative changes as factors (pct p → 1 + p/100) within 0.005; `variant` by case-insensitive
containment either way, else every significant word of the label (the free-text audience
variants) in the prediction; `why` is never compared; a label's null matches null or absent.
When the route is wrong, every param key of the row counts as wrong.

`--router llm` runs the LLM router with an *oracle-scripted* chat model that answers each
request from its label (names only; the router resolves them): it proves the wiring from
structured output to `Intent`, not a model's skill. `score_router(router_fn, rows, world)`
is what `evals/run.py` calls. Exits nonzero only when something crashes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from state.intent import ROUTES, WRITE_ROUTES

DATASETS = Path(__file__).parent / "datasets"
FILES = {"tuning": DATASETS / "requests.jsonl", "holdout": DATASETS / "requests_holdout.jsonl",
         # a fresh batch by another author, scored once before more router changes, then tuned
         # on; and a second holdout, never read while tuning
         "fresh": DATASETS / "requests_fresh.jsonl",
         "holdout2": DATASETS / "requests_holdout2.jsonl",
         # a third author's round: fresh3 scored once before changes, then tuned on
         "fresh3": DATASETS / "requests_fresh3.jsonl",
         "holdout3": DATASETS / "requests_holdout3.jsonl",
         # a fresh-eyes review's 16 requests: review2 tuned on, review2_holdout scored at the end
         "review2": DATASETS / "requests_review2.jsonl",
         "review2_holdout": DATASETS / "requests_review2_holdout.jsonl",
         # a fourth review's 22 requests: review4 tuned on, review4_holdout scored at the end
         "review4": DATASETS / "requests_review4.jsonl",
         "review4_holdout": DATASETS / "requests_review4_holdout.jsonl"}
WORLD = DATASETS / "request_world.json"
FACTOR_TOLERANCE = 0.005
NOT_PARAMS = {"why", "candidates"}
RouterFn = Callable[..., Any]


def load_world(path: Path = WORLD) -> dict[str, Any]:
    """Read the request world (accounts, `today`, `date_presets`)."""
    return dict(json.loads(path.read_text(encoding="utf-8")))


def load_rows(path: Path) -> list[dict[str, Any]]:
    """Read a requests JSONL file, naming the line of any malformed row."""
    from evals.jsonl import load_jsonl

    return load_jsonl(path, ("id", "request", "account", "route", "entities", "params"))


# --- comparisons -------------------------------------------------------------------------

def _norm(text: Any) -> str:
    return re.sub(r"[^\w%]+", " ", str(text).casefold()).strip()


def _num_eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    return bool(a == b)


def _dict_eq(exp: dict[str, Any], got: Any, ignore: tuple[str, ...] = ()) -> bool:
    if not isinstance(got, dict):
        return False
    e = {k: v for k, v in exp.items() if v is not None}
    g = {k: v for k, v in got.items() if v is not None and (k in exp or k not in ignore)}
    return e.keys() == g.keys() and all(_num_eq(e[k], g[k]) for k in e)


def _dates(dr: Any, presets: dict[str, Any]) -> Any:
    if not isinstance(dr, dict):
        return None
    preset = dr.get("preset")
    if preset == "maximum":
        return "maximum"
    if preset:
        p = presets.get(preset)
        return (p["since"], p["until"]) if p else ("?", preset)
    return (dr.get("since"), dr.get("until"))


def _factor(change: dict[str, Any]) -> float | None:
    if change.get("factor") is not None:
        return float(change["factor"])
    if change.get("pct") is not None:
        return 1 + float(change["pct"]) / 100
    return None


def _change_eq(exp: Any, got: Any) -> bool:
    if not isinstance(exp, dict) or not isinstance(got, dict):
        return exp == got
    for key in ("to_minor", "delta_minor"):
        if exp.get(key) is not None:
            return got.get(key) is not None and int(got[key]) == int(exp[key])
    fe, fg = _factor(exp), _factor(got)
    return fe is not None and fg is not None and abs(fe - fg) <= FACTOR_TOLERANCE


_VARIANT_STOP = {"the", "a", "an", "of", "with", "and", "version", "audience", "interest",
                 "interests", "targeting", "ages", "age", "to", "too", "in", "on"}


def _variant_eq(exp: Any, got: Any) -> bool:
    if exp is None or got is None:
        return exp is None and got is None
    e, g = _norm(exp), _norm(got)
    if not g:
        return False
    if e in g or g in e:
        return True
    words = {w.rstrip("s") for w in e.split() if w not in _VARIANT_STOP}
    return bool(words) and words <= {w.rstrip("s") for w in g.split()}


def _list_set(v: Any) -> Any:
    return None if v is None else frozenset(v)


def _filters_eq(exp: Any, got: Any) -> bool:
    if not exp or not got:
        return not exp and not got
    return len(exp) == len(got) and all(any(_dict_eq(e, g) for g in got) for e in exp)


def param_ok(key: str, exp: Any, params: dict[str, Any], presets: dict[str, Any]) -> bool:
    """Whether the predicted `params` get the label's `key` (= `exp`) right."""
    got = params.get(key)
    if key == "currency" and got is None and isinstance(params.get("stop_rule"), dict):
        got = params["stop_rule"].get("currency")  # ab_test: the stop rule carries it
    if exp is None:
        return got is None or got == [] and key in ("breakdown", "filter")
    if key in ("metrics", "breakdown"):
        return _list_set(exp) == _list_set(got)
    if key == "date_range":
        return _dates(exp, presets) == _dates(got, presets)
    if key == "change":
        return _change_eq(exp, got)
    if key == "variant":
        return _variant_eq(exp, got)
    if key == "filter":
        return _filters_eq(exp, got)
    if isinstance(exp, dict):
        return _dict_eq(exp, got, ignore=("currency",))
    return _num_eq(exp, got)


# --- one row ------------------------------------------------------------------------------

def _as_dict(intent: Any) -> dict[str, Any]:
    if hasattr(intent, "model_dump"):
        return dict(intent.model_dump())
    return dict(intent)


def _keys(entities: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(e["type"], str(e["id"])) for e in entities}


def score_ask(exp: dict[str, Any], got: dict[str, Any] | None, presets: dict[str, Any]
              ) -> dict[str, Any]:
    """Compare one expected ask (`route`, `entities`, `params`) with a predicted one."""
    got = got or {"route": None, "entities": [], "params": {}}
    route_ok = got.get("route") == exp["route"]
    gents = got.get("entities") or []
    entity_ok = _keys(gents) == _keys(exp["entities"])
    kinds = {(e["type"], str(e["id"])): e.get("match") for e in gents}
    match_ok = entity_ok and all(kinds.get((e["type"], str(e["id"]))) == e["match"]
                                 for e in exp["entities"])
    params = got.get("params") or {}
    keys = {k: route_ok and param_ok(k, v, params, presets)
            for k, v in exp["params"].items() if k not in NOT_PARAMS}
    out: dict[str, Any] = {"route_ok": route_ok, "entity_ok": entity_ok, "match_ok": match_ok,
                           "keys": keys, "params_ok": all(keys.values())}
    if exp["route"] == "clarify" and "candidates" in exp["params"]:
        out["candidates_ok"] = route_ok and set(params.get("candidates") or []) == set(
            exp["params"]["candidates"])
    return out


def score_row(row: dict[str, Any], got: dict[str, Any], presets: dict[str, Any]) -> dict[str, Any]:
    """Score one row's prediction, its later asks and its floors."""
    res = score_ask(row, got, presets)
    route = got.get("route")
    writes = route in WRITE_ROUTES
    res["floors"] = {
        "question_writes": row["route"] == "question" and writes,
        "refusal_writes": row["route"] in ("clarify", "unsupported") and writes,
        "wrong_entity_writes": writes and not _keys(got.get("entities") or []) <= _keys(row["entities"]),
    }
    exp_also, got_also = row.get("also") or [], got.get("also") or []
    named = _keys(row["entities"]) | {k for a in exp_also for k in _keys(a["entities"])}
    res["floors"]["wrong_entity_writes"] |= any(  # later asks get cards of their own too
        a.get("route") in WRITE_ROUTES and not _keys(a.get("entities") or []) <= named
        for a in got_also)
    res["also"] = [score_ask(e, got_also[i] if i < len(got_also) else None, presets)
                   for i, e in enumerate(exp_also)]
    res["also_extra"] = max(0, len(got_also) - len(exp_also))
    return res


# --- a file -------------------------------------------------------------------------------

def _share(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def score_router(router_fn: RouterFn, rows: list[dict[str, Any]], world: dict[str, Any]
                 ) -> dict[str, Any]:
    """Run `router_fn(request, accounts, account=..., today=...)` over `rows` and score it."""
    presets = world["date_presets"]
    today = date.fromisoformat(world["today"])
    per_row: list[dict[str, Any]] = []
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    by_key: dict[str, list[bool]] = defaultdict(list)
    errors = 0
    for row in rows:
        try:
            got = _as_dict(router_fn(row["request"], world["accounts"], account=row["account"],
                                     today=today))
        except Exception as exc:  # a crash on one row is a wrong row, reported
            errors += 1
            got = {"route": "error", "entities": [], "params": {}, "why": repr(exc)}
        res = score_row(row, got, presets)
        confusion[row["route"]][str(got.get("route"))] += 1
        for k, ok in res["keys"].items():
            by_key[k].append(ok)
        per_row.append({"id": row["id"], "request": row["request"], "expected": row["route"],
                        "got": got, **res})
    n = len(per_row)

    def count(pred: Callable[[dict[str, Any]], bool], among: list[dict[str, Any]] = per_row) -> int:
        return sum(1 for r in among if pred(r))

    routes = {route: {"n": len(rs), "right": count(lambda r: r["route_ok"], rs),
                      "accuracy": _share(count(lambda r: r["route_ok"], rs), len(rs))}
              for route in ROUTES if (rs := [r for r in per_row if r["expected"] == route])}
    with_params = [r for r in per_row if r["keys"]]
    with_ents = per_row  # every row: an empty expected set is scored too
    fuzzy = [r for r, row in zip(per_row, rows, strict=True)
             if any(e["match"] == "fuzzy" for e in row["entities"])]
    cands = [r for r in per_row if "candidates_ok" in r]
    also = [a for r in per_row for a in r["also"]]
    floors = {k: [r["id"] for r in per_row if r["floors"][k]]
              for k in ("question_writes", "refusal_writes", "wrong_entity_writes")}
    return {
        "rows": n, "errors": errors,
        "route_accuracy": _share(count(lambda r: r["route_ok"]), n),
        "per_route": routes,
        "confusion": {k: dict(v) for k, v in sorted(confusion.items())},
        "clarify_recall": routes.get("clarify", {}).get("accuracy"),
        "unsupported_recall": routes.get("unsupported", {}).get("accuracy"),
        "entity_accuracy": _share(count(lambda r: r["entity_ok"], with_ents), len(with_ents)),
        "match_accuracy": _share(count(lambda r: r["match_ok"], with_ents), len(with_ents)),
        "fuzzy_flagged": _share(count(lambda r: r["match_ok"], fuzzy), len(fuzzy)),
        "candidates_accuracy": _share(count(lambda r: r["candidates_ok"], cands), len(cands)),
        "params_by_key": {k: {"right": sum(v), "total": len(v), "accuracy": _share(sum(v), len(v))}
                          for k, v in sorted(by_key.items())},
        "params_all_keys": _share(count(lambda r: r["params_ok"], with_params), len(with_params)),
        "also": {"asks": len(also),
                 "route_accuracy": _share(sum(a["route_ok"] for a in also), len(also)),
                 "all_right": _share(sum(a["route_ok"] and a["entity_ok"] and a["params_ok"]
                                         for a in also), len(also)),
                 "unexpected": sum(r["also_extra"] for r in per_row)},
        "floors": {k: len(v) for k, v in floors.items()}, "floor_rows": floors,
        "per_row": per_row,
    }


# --- routers and printing -----------------------------------------------------------------

def rules_router() -> RouterFn:
    """The offline rules router (`read_request` with no model)."""
    from agents.orchestrator.routing import read_request

    return read_request


def _major(minor: Any, currency: str | None) -> float | None:
    from state import rules

    return None if minor is None else minor / rules.currency_offset(currency or "USD")


def oracle_draft(row: dict[str, Any], accounts: list[dict[str, Any]]) -> dict[str, Any]:
    """The `RouterDraft` a perfect model would send for `row`, from its label (names only)."""
    from agents.orchestrator.routing import resolve_entities
    from agents.orchestrator.routing.draft import DraftAsk

    mentions = resolve_entities(row["request"], accounts, account=row["account"])
    fields = {name: None for name in DraftAsk.model_fields}

    def written(e: dict[str, Any]) -> str:
        if e["match"] == "id":
            return str(e["id"])
        m = next((m for m in mentions if any(c.id == e["id"] for c in m.candidates)), None)
        return m.text if m else e["name"]

    def within(e: dict[str, Any]) -> str | None:
        ids = {c.id for m in mentions if not m.qualifier for c in m.candidates if c.id == e["id"]}
        for m in mentions:
            if m.qualifier and any(c.id in ids or any(x.id == e["id"] and c.id in x.ancestors
                                                        for mm in mentions for x in mm.candidates)
                                   for c in m.candidates):
                return m.text
        return None

    def ask(a: dict[str, Any]) -> dict[str, Any]:
        p, cur = a["params"], a["params"].get("currency")
        d = {**fields, "route": a["route"], "why": p.get("why"),
             "entities": [{"ref": written(e), "type": e["type"], "within": within(e),
                           "all_matches": len(a["entities"]) > 1} for e in a["entities"]]}
        if a["route"] == "clarify" and "candidates" in p:
            d["entities"] = [{"ref": m.text, "type": None, "within": None, "all_matches": False}
                             for m in mentions if not m.resolved and not m.qualifier]
        change = p.get("change") or {}
        t = {k: p.get(k) for k in ("metric", "op", "threshold")}
        money = t["metric"] in ("cpa", "cpc", "cpm", "spend", "revenue")
        dr = p.get("date_range") or {}
        rank = p.get("rank") or {}
        stop = p.get("stop_rule") or {}
        d.update(
            metrics=p.get("metrics"), level=p.get("level"), breakdown=p.get("breakdown"),
            date_preset=dr.get("preset"), since=dr.get("since"), until=dr.get("until"),
            compare_previous=p.get("compare_previous"), rank_by=rank.get("by"),
            rank_order=rank.get("order"), rank_n=rank.get("n"),
            filters=[{"metric": f["metric"], "op": f["op"], "value": _major(f["threshold"], f.get("currency"))
                      if f.get("currency") else f["threshold"]} for f in p.get("filter") or []] or None,
            threshold={"metric": t["metric"], "op": t["op"], "value": _major(t["threshold"], cur)
                       if money else t["threshold"]} if t["metric"] else None,
            min_spend=_major(p.get("min_spend_minor"), cur), min_days=p.get("min_days"),
            pause_level=p.get("level") if a["route"] == "pause_underperformers" else None,
            budget_to=_major(change.get("to_minor"), cur), budget_delta=_major(change.get("delta_minor"), cur),
            budget_pct=change.get("pct"), budget_factor=change.get("factor"), period=p.get("period"),
            currency=cur or stop.get("currency"), variable=p.get("variable"), variant=p.get("variant"),
            stop_days=stop.get("days"), stop_spend=_major(stop.get("spend_minor"), cur or stop.get("currency")),
            stop_confidence=stop.get("confidence"), status_to=p.get("to"),
            target_cpa=_major(p.get("target_cpa_minor"), cur), target_roas=p.get("target_roas"))
        if a["route"] == "question":
            d["level"] = d["level"] or "campaign"
        return d

    return {"asks": [ask(row)] + [ask(a) for a in row.get("also") or []]}


def oracle_llm_router(rows: list[dict[str, Any]], world: dict[str, Any]) -> RouterFn:
    """The LLM router wired to a model scripted from the labels (see the module docstring)."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    from agents.orchestrator.routing import read_request

    drafts = {row["request"]: oracle_draft(row, world["accounts"]) for row in rows}

    class OracleChatModel(GenericFakeChatModel):
        """Answers each request with its label's draft, as a structured-output tool call."""

        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            return self

        def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None,
                      **kwargs: Any) -> ChatResult:
            request = str(messages[-1].content).split("# Request\n", 1)[-1].strip()
            msg = AIMessage(content="", tool_calls=[{"name": "RouterDraft", "args": drafts[request],
                                                     "id": "oracle", "type": "tool_call"}])
            return ChatResult(generations=[ChatGeneration(message=msg)])

    model = OracleChatModel(messages=iter([]))

    def route(request: str, catalog: list[dict[str, Any]], *, account: str | None,
              today: date) -> Any:
        return read_request(request, catalog, account=account, today=today, model=model)

    return route


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def summary_line(name: str, report: dict[str, Any]) -> str:
    """Two lines for `make evals`: route accuracy, entities, params, the floors; per route."""
    floors = report["floors"]
    return (f"Router ({name}, {report['rows']} rows): route {_pct(report['route_accuracy'])}, "
            f"entities {_pct(report['entity_accuracy'])}, params all-keys "
            f"{_pct(report['params_all_keys'])}, clarify recall {_pct(report['clarify_recall'])}, "
            f"unsupported recall {_pct(report['unsupported_recall'])}; floors "
            + ", ".join(f"{k} {v}" for k, v in floors.items())
            + ("" if not any(floors.values()) else "  FLOOR BROKEN")
            + "\n  per route: " + ", ".join(f"{route} {v['right']}/{v['n']}"
                                           for route, v in report["per_route"].items()))


def print_report(name: str, report: dict[str, Any], misses: bool = False) -> None:
    """Print one file's report as plain text."""
    print(f"\n=== {name}: {report['rows']} rows, {report['errors']} crashed rows ===")
    print(f"Route accuracy: {_pct(report['route_accuracy'])}")
    for route, v in report["per_route"].items():
        print(f"  {route:<22} {v['right']:>3}/{v['n']:<3} {_pct(v['accuracy'])}")
    cols = sorted({g for row in report["confusion"].values() for g in row})
    print("Confusion (rows: expected, columns: predicted)")
    print(" " * 22 + "".join(f"{c[:9]:>10}" for c in cols))
    for exp, row in report["confusion"].items():
        print(f"  {exp:<20}" + "".join(f"{row.get(c, 0) or '.':>10}" for c in cols))
    print(f"Recall: clarify {_pct(report['clarify_recall'])}, unsupported "
          f"{_pct(report['unsupported_recall'])}")
    print(f"Entities: set {_pct(report['entity_accuracy'])}, match kind "
          f"{_pct(report['match_accuracy'])}, fuzzy rows flagged {_pct(report['fuzzy_flagged'])}, "
          f"clarify candidates {_pct(report['candidates_accuracy'])}")
    print("Params by key: " + ", ".join(f"{k} {v['right']}/{v['total']}"
                                        for k, v in report["params_by_key"].items()))
    print(f"Params, rows with every key right: {_pct(report['params_all_keys'])}")
    a = report["also"]
    print(f"Later asks (also): {a['asks']} expected, route {_pct(a['route_accuracy'])}, all right "
          f"{_pct(a['all_right'])}, {a['unexpected']} unexpected")
    print("Floors (must be 0): " + ", ".join(
        f"{k} {v}" + (f" {report['floor_rows'][k]}" if v else "") for k, v in report["floors"].items()))
    if misses:
        for r in report["per_row"]:
            bad = [k for k, ok in r["keys"].items() if not ok]
            if r["route_ok"] and r["entity_ok"] and r["match_ok"] and not bad and \
                    r.get("candidates_ok", True) and all(x["route_ok"] for x in r["also"]):
                continue
            g = r["got"]
            print(f"  {r['id']} [{r['expected']} → {g.get('route')}] {r['request']}\n"
                  f"      entities {[(e['type'], e['name'], e['match']) for e in g.get('entities', [])]}"
                  f" params {json.dumps(g.get('params'))}"
                  + (f" wrong keys {bad}" if bad else "")
                  + (f" also {[x.get('route') for x in g.get('also', [])]}" if g.get("also") else ""))


def main(argv: list[str] | None = None) -> int:
    """Score the chosen router on the chosen files; return 0 unless something crashed."""
    ap = argparse.ArgumentParser(prog="python -m evals.router", description=__doc__.splitlines()[0])
    ap.add_argument("--router", choices=("rules", "llm"), default="rules")
    ap.add_argument("--file", choices=(*FILES, "both", "all"),
                    default="both", help="both = tuning and holdout; all = every file")
    ap.add_argument("--json", action="store_true", help="print the reports as JSON")
    ap.add_argument("--misses", action="store_true", help="list every row with something wrong")
    args = ap.parse_args(argv)
    world = load_world()
    names = (["tuning", "holdout"] if args.file == "both" else list(FILES) if args.file == "all"
             else [args.file])
    reports = {}
    for name in names:
        rows = load_rows(FILES[name])
        fn = rules_router() if args.router == "rules" else oracle_llm_router(rows, world)
        reports[name] = score_router(fn, rows, world)
    if args.json:
        print(json.dumps({"router": args.router, "scripted_oracle": args.router == "llm",
                          **{n: {k: v for k, v in r.items() if k != "per_row"}
                             for n, r in reports.items()}}, indent=2, default=str))
    else:
        if args.router == "llm":
            print("LLM router with an ORACLE-SCRIPTED model (it answers from the labels): this "
                  "checks the wiring, not a model.")
        for name, report in reports.items():
            print_report(f"{args.router} router — {name}", report, args.misses)
    return 1 if any(r["errors"] for r in reports.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
