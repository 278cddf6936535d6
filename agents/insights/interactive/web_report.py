"""The dashboard's report of a thread: what a page shows, and the files it offers for download.

`web_report(thread_id, runner=..., home=...)` reads the thread the way `adpilot report` does
(`reporting.thread_state`: the checkpoint's state with the thread's whole action history;
Meta's view of the campaign through the runner's client when it has one), works the report
out once (`reporting.report_contents`) and writes `report.json`, the CSVs and the PNG charts
into `HOME/reports/THREAD/` — the same files `adpilot report --format json` and `--format csv`
write there. It returns, all JSON:

- `summary`: the executive summary (markdown), and `facts`: the figures it was written from,
  as in `report.json` (money in whole minor units, `*_minor`);
- `figures`: the interactive charts (`figures.figures`), drawn from the PNGs' series;
- `actions`: every action the thread applied (or noted), oldest first: its day, tool (`kind`),
  what it changed in words (`label`), on what, its status, its judged effect and why
  (`action_item`);
- `downloads`: the files to download, by name in that folder: `{"json": "report.json",
  "csv": ["daily.csv", "ad_sets.csv", "ads.csv", "actions.csv"]}` (and `assets.csv` for
  dynamic creative); the PNGs are written beside them, as by `adpilot report`;
- `currency` and `campaign_id`.

Every string in it is scrubbed of tokens and secrets (`state.secrets.scrub_obj`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from agents.insights.interactive.figures import figures
from agents.insights.reporting import meta_client, report_contents, thread_state, write_formats
from agents.insights.timeline import ad_set_of, change_words
from agents.insights.writers.export import judged_effect
from state.insights_store import InsightsStore
from state.provenance import display_name
from state.secrets import scrub_obj


def action_item(a: dict[str, Any], currency: str, names: dict[str, str]) -> dict[str, Any]:
    """One applied action for the page: when, what, on what, and what came of it.

    `{"date", "kind", "label", "target", "ad_set", "status", "effect", "why"}`: `kind` the
    tool, `label` what it changed in words, `ad_set` the ad set of an ad (else None), `effect`
    its judged effect in words (None for advice merely noted), `why` every reason in full.
    """
    t = a.get("target") or {}
    day = a.get("applied_date")
    parent = ad_set_of(a)
    return {
        "date": str(day)[:10] if day else None, "kind": a.get("name"),
        "label": change_words(a, currency),
        "target": display_name(t.get("name")) or t.get("id"),
        "ad_set": names.get(parent) if parent and t.get("level") == "ad" else None,
        "status": a.get("status"),
        "effect": judged_effect(a) if a.get("status") == "applied" else None,
        "why": "; ".join(" ".join(str(r).split()) for r in a.get("reasons") or []),
    }


def web_report(thread_id: str, *, runner: Any, home: str | Path,
               model: str | None = None) -> dict[str, Any]:
    """Return the thread's report for the dashboard, its downloads written (module docstring).

    Raises ValueError when the thread has no launched campaign yet, or `thread_id` is not a
    plain name (it names the report's folder).
    """
    if not thread_id or thread_id in (".", "..") or Path(thread_id).name != thread_id:
        raise ValueError(f"thread {thread_id!r}: not a thread id")
    state = thread_state(thread_id, runner=runner, home=home)
    store = InsightsStore(home)  # closed here: the dashboard asks for reports all day long
    try:
        c = report_contents(state, store, model, meta_client(runner, thread_id))
        out = Path(home) / "reports" / thread_id
        files = write_formats(c, store, out, ("json", "csv"))
    finally:
        store.close()
    written = json.loads(Path(files["report"]).read_text())  # the facts as downloaded
    return cast(dict[str, Any], scrub_obj({
        "campaign_id": c["cid"],
        "currency": c["currency"],
        "summary": c["summary"],
        "facts": written["facts"],
        "figures": figures(c["series"], c["view"]),
        "actions": [action_item(a, c["currency"], c["series"]["names"]) for a in c["actions"]],
        "downloads": {"json": Path(files["report"]).name,
                      "csv": [Path(p).name for p in files["csv"]]},
    }))


__all__ = ["action_item", "web_report"]
