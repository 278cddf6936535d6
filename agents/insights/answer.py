"""Answer a question about existing campaigns from Meta's insights: `adpilot ask` (issue 13).

Longer than 300 lines because planning the Graph queries, shaping their rows into a table
and saying the answer in one sentence share one set of decisions (level, scope, dates,
result) that splitting would pass around as a bag of arguments.

`answer_question(client, intent, *, account, today)` reads, never writes. The intent is the
router's (`state.intent.Intent`, route `question`); `account` is the account's catalog entry
(`tools.catalog.read_catalog`, the shape of `request_world.json`), which says the currency
and each campaign's objective, hence what a result is (`question.result_event`); `today` is
the account-local date the presets are resolved on.

The queries (`GET /<id>/insights`, every page, 500 rows a page):

- **rows**: on the one entity asked about (`/<id>/insights`), or the account
  (`/act_<id>/insights`, with `filtering` on the entities' ids when there are several), at
  the question's `level` (never coarser than the entity), with `breakdowns` (age, gender,
  country, region, publisher_platform, platform_position, device_platform), `time_increment=1`
  for `day`, and one `time_ranges` entry per ISO week for `week`. `compare_previous` without a
  day or week breakdown adds the previous period as a second `time_ranges` entry, so every
  row has its own comparison from the same call;
- **totals**, only when the rows are not already the totals (a lower level, a breakdown, a
  day/week split, several entities): the entity (or the account) as one row, with the
  previous period beside it when compared.

A typical answer is one or two Graph calls (plus pages). Dates go to Meta as `time_range`
(resolved here with Meta's preset meanings, so the words and the numbers agree), except
`maximum`, which Meta resolves. Rank and thresholds apply to the rows here (Meta cannot
filter on CPA, ROAS or results): money thresholds are minor units, CTR percent. Zero results
make CPA "no results", never 0 or infinity; a spender without results ranks and filters as
the worst CPA. `render_chart(answer, path)` draws the table (bars, or a line by day/week).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agents.insights.charts import DPI, plt
from agents.insights.question import (
    MONEY_METRICS,
    change_pct,
    iso_weeks,
    metric_words,
    money_words,
    previous_range,
    range_words,
    resolve_range,
    result_event,
    result_words,
    row_metrics,
    span_words,
)
from state.context import act_id
from state.intent import EntityRef, Intent, QuestionParams, Threshold
from state.rules import currency_offset

DEPTH = {"account": 0, "campaign": 1, "adset": 2, "ad": 3}
PLURAL = {"account": "accounts", "campaign": "campaigns", "adset": "ad sets", "ad": "ads"}
METRIC_FIELDS = ("spend,impressions,reach,clicks,inline_link_clicks,actions,action_values,"
                 "estimated_ad_recallers")
TIME_DIMS = ("day", "week")
PAGE = 500
OPS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
       "<=": lambda a, b: a <= b, "==": lambda a, b: a == b}
LABELS = {"ctr": "CTR", "cpc": "CPC", "cpm": "CPM", "roas": "ROAS", "cpa": "CPA"}
NO_RESULTS = "no results"


class Answer(BaseModel):
    """A question's answer: one sentence, the table behind it, and what Meta was asked."""

    sentence: str
    columns: list[str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = Field(default_factory=dict)
    comparison: dict[str, Any] | None = None
    date_range: dict[str, Any]
    level: str
    breakdown: list[str] = Field(default_factory=list)
    metrics: list[str]
    currency: str
    result: str = Field(description="what a result is: PURCHASE, LEAD, LANDING_PAGE_VIEW, ...")
    notes: list[str] = Field(default_factory=list)
    query: list[dict[str, Any]] = Field(default_factory=list, description="the Graph reads")

    def to_json(self) -> str:
        """Return the answer as JSON (`adpilot ask --json`); it never holds the token."""
        return json.dumps(self.model_dump(), indent=2, default=str)

    def table(self) -> list[list[str]]:
        """Return the rows as strings, in `columns` order (money with its currency)."""
        return [[self.cell(c, r.get(c)) for c in self.columns] for r in self.rows]

    def cell(self, column: str, value: Any) -> str:
        """Say one cell: a metric as the sentence says it, anything else as text."""
        if column in MONEY_METRICS or column in ("ctr", "roas", "frequency", "results",
                                                 "impressions", "reach", "clicks"):
            return metric_words(column, value, self.currency, no_result=NO_RESULTS)
        return "" if value is None else str(value)


class _Plan:
    """Where the question points: endpoint, levels, entity filter, result event per campaign."""

    def __init__(self, intent: Intent, params: QuestionParams, account: dict[str, Any]) -> None:
        self.act = act_id(str(account.get("id") or intent.account or ""))
        self.entities: list[EntityRef] = list(intent.entities)
        self.notes: list[str] = []
        types = list(dict.fromkeys(e.type for e in self.entities))
        if len(types) > 1:
            self.notes.append(f"only the {types[0]}s were read (the request named several kinds)")
            self.entities = [e for e in self.entities if e.type == types[0]]
        self.scope = types[0] if types else "account"
        level = params.level
        if DEPTH[level] < DEPTH[self.scope]:
            level = self.scope
        self.level = level
        single = len(self.entities) == 1
        self.path = f"{self.entities[0].id}/insights" if single else f"{self.act}/insights"
        self.total_level = self.scope if single or not self.entities else "account"
        self.filtering = ([{"field": f"{self.scope}.id", "operator": "IN",
                            "value": [e.id for e in self.entities]}]
                          if len(self.entities) > 1 else [])
        self.events, self.default_event = _events(account, self.entities)
        if len(set(self.events.values())) > 1 and not self.entities:
            self.notes.append(f"results count {result_words(self.default_event)} only: the "
                              "account's campaigns have different objectives")

    def event_of(self, raw: dict[str, Any]) -> str:
        return self.events.get(str(raw.get("campaign_id") or ""), self.default_event)


def _events(account: dict[str, Any], entities: list[EntityRef]) -> tuple[dict[str, str], str]:
    """Each campaign's result event, and the scope's (the most common among its campaigns)."""
    events: dict[str, str] = {}
    in_scope: list[str] = []
    wanted = {e.id for e in entities}
    for c in account.get("campaigns") or []:
        adsets = c.get("adsets") or []
        events[str(c["id"])] = result_event(c.get("objective"), adsets)
        ids = {str(c["id"])} | {str(s["id"]) for s in adsets} | {
            str(a["id"]) for s in adsets for a in s.get("ads") or []}
        if not wanted or ids & wanted:
            in_scope.append(events[str(c["id"])])
    pool = in_scope or list(events.values()) or ["PURCHASE"]
    return events, max(dict.fromkeys(pool), key=pool.count)


def _fields(level: str) -> str:
    ident = [f"{level}_id", f"{level}_name"]
    if DEPTH[level] > 1:
        ident.append("campaign_id")
    return ",".join([*ident, METRIC_FIELDS])


def _time(since: str | None, until: str, preset: str | None,
          ranges: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    if ranges:
        return {"time_ranges": [{"since": s, "until": u} for s, u in ranges]}
    if since is None:
        return {"date_preset": preset or "maximum"}
    return {"time_range": {"since": since, "until": until}}


def _read(client: Any, path: str, params: dict[str, Any], log: list[dict[str, Any]]
          ) -> list[dict[str, Any]]:
    log.append({"path": path, "params": params})
    rows: list[dict[str, Any]] = client.get_all(path, params, limit=PAGE)
    return rows


def answer_question(client: Any, intent: Intent, *, account: dict[str, Any], today: date
                    ) -> Answer:
    """Answer a `question` intent from Meta's insights (read-only; see the module docstring)."""
    if intent.route != "question":
        raise ValueError(f"answer_question answers route 'question', not {intent.route!r}")
    params: QuestionParams = intent.typed()
    currency = str(account.get("currency") or "USD").upper()
    plan = _Plan(intent, params, account)
    since, until, preset = resolve_range(params.date_range, today)
    dims: list[str] = [str(b) for b in params.breakdown or [] if b not in TIME_DIMS]
    time_dim = next((b for b in params.breakdown or [] if b in TIME_DIMS), None)
    compare = params.compare_previous
    if compare and since is None:
        compare = False
        plan.notes.append("no comparison: a lifetime range has no period before it")
    prev = previous_range(since, until) if compare and since else None
    log: list[dict[str, Any]] = []

    # rows
    row_params: dict[str, Any] = {"level": plan.level, "fields": _fields(plan.level)}
    if dims:
        row_params["breakdowns"] = ",".join(dims)
    if plan.filtering:
        row_params["filtering"] = plan.filtering
    if time_dim == "day":
        row_params.update(_time(since, until, preset), time_increment=1)
    elif time_dim == "week" and since is not None:
        row_params.update(_time(since, until, preset, iso_weeks(since, until)))
    elif time_dim == "week":
        row_params.update(_time(since, until, preset), time_increment=7)
    elif prev and since:
        row_params.update(_time(since, until, preset, [prev, (since, until)]))
    else:
        row_params.update(_time(since, until, preset))
    raw_rows = _read(client, plan.path, row_params, log)
    prev_start = prev[0] if prev else None
    rows_compare = prev is not None and time_dim is None
    current_raw = [r for r in raw_rows if not rows_compare or r.get("date_start") != prev_start]
    previous_raw = [r for r in raw_rows if rows_compare and r.get("date_start") == prev_start]
    if since is None and current_raw:
        since = min(str(r.get("date_start")) for r in current_raw)

    rows = [_row(r, plan, currency, dims, time_dim) for r in current_raw]
    if rows_compare:
        before = {o["_key"]: o for o in (_row(r, plan, currency, dims, time_dim)
                                         for r in previous_raw)}
        for row in rows:
            old = before.get(row["_key"])
            row["previous"] = {m: (old or {}).get(m) for m in params.metrics} if old else None
            row["change_pct"] = {m: change_pct(row.get(m), (old or {}).get(m))
                                 for m in params.metrics} if old else None

    # totals
    same_as_rows = (plan.level == plan.total_level and not dims and not time_dim
                    and not plan.filtering)
    if same_as_rows:
        totals_now = _sum_rows(current_raw, plan, currency)
        totals_prev = _sum_rows(previous_raw, plan, currency) if prev else None
    else:
        t_params: dict[str, Any] = {"level": plan.total_level,
                                    "fields": _fields(plan.total_level)}
        if plan.filtering:
            t_params["filtering"] = plan.filtering
        t_params.update(_time(since, until, preset, [prev, (since, until)] if prev and since
                              else None))
        t_raw = _read(client, plan.path, t_params, log)
        totals_now = _sum_rows([r for r in t_raw if r.get("date_start") != prev_start],
                               plan, currency)
        totals_prev = (_sum_rows([r for r in t_raw if r.get("date_start") == prev_start], plan,
                                 currency) if prev else None)

    comparison = None
    if prev:
        comparison = {
            "since": prev[0], "until": prev[1],
            "words": range_words(prev[0], prev[1], None, today),
            "values": {m: (totals_prev or {}).get(m) for m in params.metrics},
            "change_pct": {m: change_pct(totals_now.get(m), (totals_prev or {}).get(m))
                           for m in params.metrics},
        }

    rows, matched = _filter(rows, params.filter or [])
    rows = _order(rows, params, time_dim, dims)
    for row in rows:
        row.pop("_key", None)
    label_cols = _label_columns(plan, dims, time_dim)
    date_range = {"since": since, "until": until, "preset": preset,
                  "words": range_words(since, until, preset, today)}
    answer = Answer(
        sentence="", columns=[*label_cols, *params.metrics], rows=rows, totals=totals_now,
        comparison=comparison, date_range=date_range, level=plan.level,
        breakdown=list(params.breakdown or []), metrics=list(params.metrics), currency=currency,
        result=plan.default_event, notes=plan.notes, query=log,
    )
    answer.sentence = _sentence(answer, intent, params, plan, account, matched)
    return answer


def _row(raw: dict[str, Any], plan: _Plan, currency: str, dims: list[str],
         time_dim: str | None) -> dict[str, Any]:
    level = plan.level
    metrics = row_metrics(raw, level=level, currency=currency, event=plan.event_of(raw),
                          dims=tuple(dims))
    row: dict[str, Any] = {"id": str(raw.get(f"{level}_id") or ""),
                           "name": raw.get(f"{level}_name") or ""}
    for d in dims:
        row[d] = raw.get(d)
    if time_dim == "day":
        row["day"] = raw.get("date_start")
    elif time_dim == "week":
        row["week"] = f"{raw.get('date_start')}/{raw.get('date_stop')}"
    row.update(metrics)
    row["_key"] = "|".join([row["id"], *(str(row.get(d)) for d in dims)])
    return row


def _sum_rows(raws: list[dict[str, Any]], plan: _Plan, currency: str) -> dict[str, Any]:
    """Return the totals: the one row Meta returned (several only for several entities: summed)."""
    level = plan.total_level
    if len(raws) == 1:
        return row_metrics(raws[0], level=level, currency=currency, event=plan.event_of(raws[0]))
    rows = [row_metrics(r, level=level, currency=currency, event=plan.event_of(r)) for r in raws]
    out = {m: sum(r[m] for r in rows) for m in ("spend", "impressions", "reach", "clicks",
                                              "results", "revenue")}
    out.update(
        frequency=out["impressions"] / out["reach"] if out["reach"] else None,
        ctr=out["clicks"] / out["impressions"] * 100 if out["impressions"] else None,
        cpc=out["spend"] / out["clicks"] if out["clicks"] else None,
        cpm=out["spend"] / out["impressions"] * 1000 if out["impressions"] else None,
        cpa=out["spend"] / out["results"] if out["results"] else None,
        roas=out["revenue"] / out["spend"] if out["spend"] else None,
    )
    return out


def _value(row: dict[str, Any], metric: str) -> float | None:
    """Return a metric for comparing: no results with spend is the worst (infinite) CPA."""
    value = row.get(metric)
    if value is None and metric == "cpa" and row.get("spend"):
        return float("inf")
    return None if value is None else float(value)


def _filter(rows: list[dict[str, Any]], rules: list[Threshold]
            ) -> tuple[list[dict[str, Any]], int | None]:
    if not rules:
        return rows, None
    kept = [r for r in rows
            if all((v := _value(r, t.metric)) is not None and OPS[t.op](v, t.threshold)
                   for t in rules)]
    return kept, len(rows)


def _order(rows: list[dict[str, Any]], params: QuestionParams, time_dim: str | None,
           dims: list[str]) -> list[dict[str, Any]]:
    rank = params.rank
    if rank is not None:
        present = [r for r in rows if _value(r, rank.by) is not None]
        missing = [r for r in rows if _value(r, rank.by) is None]
        present.sort(key=lambda r: _value(r, rank.by) or 0.0, reverse=rank.order == "desc")
        ordered = present + missing
        return ordered[: rank.n] if rank.n else ordered
    if time_dim:
        return sorted(rows, key=lambda r: (str(r.get(time_dim)), str(r.get("name"))))
    if dims:
        return sorted(rows, key=lambda r: ([str(r.get(d)) for d in dims], str(r.get("name"))))
    return sorted(rows, key=lambda r: -(r.get("spend") or 0))


def _label_columns(plan: _Plan, dims: list[str], time_dim: str | None) -> list[str]:
    one_object = plan.level == plan.scope and len(plan.entities) <= 1
    cols = [] if one_object and (dims or time_dim) else ["name"]
    return [*cols, *([time_dim] if time_dim else []), *dims]


# -- the sentence ---------------------------------------------------------------------------


def _subject(intent: Intent, plan: _Plan, account: dict[str, Any]) -> str:
    names = [e.name for e in plan.entities]
    if not names:
        return str(account.get("name") or plan.act)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _say(metric: str, value: Any, answer: Answer) -> str:
    return metric_words(metric, value, answer.currency, no_result=NO_RESULTS)


def _row_label(row: dict[str, Any], answer: Answer) -> str:
    parts = []
    for c in answer.columns:
        value = row.get(c)
        if c in answer.metrics or value in (None, ""):
            continue
        if c == "day":
            value = span_words(str(value), str(value))
        elif c == "week":
            first, _, last = str(value).partition("/")
            value = span_words(first, last or first)
        parts.append(str(value))
    return " · ".join(parts) or str(row.get("name") or row.get("id"))


def _headline(answer: Answer, values: dict[str, Any], when: str) -> str:
    """Say spend (then when), results and CPA, then the other metrics asked."""
    metrics = answer.metrics
    event = answer.result
    results, cpa = values.get("results"), values.get("cpa")
    parts: list[str] = []
    if "spend" in metrics:
        parts.append(f"spent {money_words(values.get('spend') or 0, answer.currency)}")
    if "results" in metrics or "cpa" in metrics:
        if not results:
            tail = f", so there is no cost per {result_words(event, 1)}" if "cpa" in metrics else ""
            parts.append(f"got no {result_words(event)}{tail}")
        elif "results" in metrics:
            each = f" at {money_words(cpa, answer.currency)} each" if "cpa" in metrics else ""
            parts.append(f"{_say('results', results, answer)} {result_words(event, results)}{each}")
        else:
            parts.append(f"cost per {result_words(event, 1)} {money_words(cpa, answer.currency)}")
    for m in metrics:
        if m not in ("spend", "results", "cpa"):
            parts.append(f"{LABELS.get(m, m)} {_say(m, values.get(m), answer)}")
    if "spend" not in metrics:
        parts[0] = f"had {parts[0]}" if not parts[0].startswith("got") else parts[0]
    return ", ".join([f"{parts[0]} {when}", *parts[1:]])


def _pct(pct: float) -> str:
    return f"{abs(pct):.0f}%" if abs(pct) >= 10 else f"{abs(pct):.1f}%"


def _compare_clause(answer: Answer) -> str:
    comp = answer.comparison
    if not comp:
        return ""
    before = comp["words"].removeprefix("over ").removeprefix("on ")
    if not comp["values"].get("spend") and not comp["values"].get("results"):
        if all(v is None for v in comp["change_pct"].values()):
            return f"; Meta reports no delivery in the period before ({before})"
    said = []
    for m in answer.metrics:
        pct = comp["change_pct"].get(m)
        name = LABELS.get(m, m)
        if pct is None:
            if m == "cpa" and comp["values"].get("cpa") is None:
                said.append(f"no {name} before (no results)")
            continue
        said.append(f"{name} {'up' if pct > 0 else 'down'} {_pct(pct)}" if pct else
                    f"{name} unchanged")
    return f"; {', '.join(said)} on the period before ({before})" if said else ""


THRESHOLD_WORDS = {">": "over", ">=": "at least", "<": "under", "<=": "at most", "==": "of"}


def _sentence(answer: Answer, intent: Intent, params: QuestionParams, plan: _Plan,
              account: dict[str, Any], matched: int | None) -> str:
    subject = _subject(intent, plan, account)
    when = answer.date_range["words"]
    lower = plan.level != plan.scope or not plan.entities
    inside = f" in {subject}" if lower else ""
    what = PLURAL[plan.level] if lower else ""
    if not answer.rows and not answer.totals.get("spend") and matched is None:
        return f"Meta reports no delivery for {subject} {when}: it spent nothing."
    if params.rank is not None and what:
        rank = params.rank
        word = "highest" if rank.order == "desc" else "lowest"
        shown = "; ".join(f"{_row_label(r, answer)} ({_say(rank.by, r.get(rank.by), answer)})"
                          for r in answer.rows)
        n = f"{len(answer.rows)} " if rank.n else ""
        label = LABELS.get(rank.by, rank.by)
        return (f"The {n}{what} with the {word} {label}{inside} {when}: {shown}."
                if answer.rows else f"No {what}{inside} had delivery {when}.")
    if matched is not None:
        cond = " and ".join(
            f"{LABELS.get(t.metric, t.metric)} {THRESHOLD_WORDS[t.op]} "
            + (money_words(t.threshold, answer.currency) if t.metric in MONEY_METRICS
               else f"{t.threshold:g}%" if t.metric == "ctr" else f"{t.threshold:g}")
            for t in params.filter or [])
        kind = what or PLURAL[plan.level]
        if not answer.rows:
            return f"None of the {matched} {kind}{inside} had {cond} {when}."
        metric = next((t.metric for t in params.filter or []), answer.metrics[0])
        shown = "; ".join(f"{_row_label(r, answer)} ({_say(metric, r.get(metric), answer)})"
                          for r in answer.rows)
        return f"{len(answer.rows)} of {matched} {kind}{inside} had {cond} {when}: {shown}."
    text = f"{subject} {_headline(answer, answer.totals, when)}"
    text += _compare_clause(answer)
    text += _breakdown_clause(answer, params)
    return text + "."


def _breakdown_clause(answer: Answer, params: QuestionParams) -> str:
    dims = list(params.breakdown or [])
    if len(answer.rows) == 1 and dims:
        return f"; by {' and '.join(dims)}, all of it from {_row_label(answer.rows[0], answer)}"
    if len(answer.rows) < 2:
        return ""
    metric = next((m for m in answer.metrics if m != "results"), answer.metrics[0])
    lowest = metric in ("cpa", "cpc", "cpm")
    rows = [r for r in answer.rows if _value(r, metric) not in (None, float("inf"))]
    if not rows:
        return ""
    pick = (min if lowest else max)(rows, key=lambda r: _value(r, metric) or 0.0)
    by = f"by {' and '.join(dims)}" if dims else f"of the {PLURAL[answer.level]}"
    word = "lowest" if lowest else "highest"
    return (f"; {by}, the {word} {LABELS.get(metric, metric)} was {_row_label(pick, answer)} "
            f"({_say(metric, pick.get(metric), answer)})")


# -- the chart ------------------------------------------------------------------------------


def render_chart(answer: Answer, path: str | Path, metric: str | None = None) -> Path | None:
    """Draw the answer's table: a line by day/week, else bars per row. None when empty."""
    metric = metric or next((m for m in answer.metrics
                             if any(r.get(m) is not None for r in answer.rows)), None)
    if not answer.rows or metric is None:
        return None
    scale = currency_offset(answer.currency) if metric in MONEY_METRICS else 1
    labels = [_row_label(r, answer)[:28] for r in answer.rows]
    values = [(r.get(metric) or 0) / scale for r in answer.rows]
    unit = f" ({answer.currency})" if metric in MONEY_METRICS else " (%)" if metric == "ctr" else ""
    fig, ax = plt.subplots(figsize=(8, 4))
    if any(b in TIME_DIMS for b in answer.breakdown):
        ax.plot(labels, values, marker="o", color="#d62728")
        ax.tick_params(axis="x", labelrotation=30)
    else:
        ax.barh(labels[::-1], values[::-1], color="#9ecae1")
    ax.set_title(f"{LABELS.get(metric, metric)}{unit}, {answer.date_range['words']}")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=DPI)
    plt.close(fig)
    return out
