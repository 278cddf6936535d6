"""adpilot's one tool surface: reads and proposals as LangChain tools (docs/design.md §4).

Longer than 300 lines because the seven tools, their argument schemas and the one handle
they share are a single surface: each tool's schema, docstring and result shape are read
together by the LLM router, the MCP server (`graph/mcp_server.py`) and the CLI.

    with open_tool_env() as env:
        tools = make_tools(env)          # StructuredTool, one per entry of TOOLS
        tools[0].invoke({})              # {"accounts": [...]}

The tools (one definition, one docstring, one test each — `tests/mcp/`):

- reads: `list_accounts`, `campaign_tree`, `query_insights`, `thread_status`, `plan_brief`
  (plans a brief and checks it locally; nothing is written anywhere);
- proposals: `propose_request`, `propose_watch` start a thread, which runs to its first
  interrupt — an approval card waits for a person (`adpilot approve THREAD`, LangGraph
  Studio, Agent Inbox). No tool approves, resumes, edits or applies anything.

`ToolEnv` is the handle the tools share: the home, the Meta settings and token, and the run
contexts, built by the operator's process (`open_tool_env`). A tool's arguments can choose
an ad account among those the token reaches (`account`, act_<digits>) and nothing else: not
the home, not the client, not the Graph URL, not a credential. A brief or request naming a
media file outside the operator's `files` directory is refused before anything reads it.
Every result is JSON-friendly and scrubbed (`state.secrets.scrub_obj`); a failure is a
`ToolInputError` naming the field and the fix.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Literal

from langchain_core.tools import StructuredTool, ToolException
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from state import bounds
from state.context import Context, MetaSettings, act_id
from state.intent import Breakdown, DateRange, EntityRef, Intent, Level, Metric, QuestionParams
from state.secrets import registered_secrets, scrub, scrub_obj

APPROVE_LINE = ("A person approves it with `adpilot approve {thread}` (or in LangGraph Studio / "
                "Agent Inbox) — no tool can approve, resume or apply anything.")
_ACCOUNT_RE = re.compile(r"(act_)?\d{1,20}")


class ToolInputError(ToolException, ValueError):
    """A tool call that cannot run as given: the field, what is wrong, and the fix.

    A `ToolException`, so a LangChain agent reads the message as the tool's answer.
    """

    def __init__(self, field: str, problem: str, fix: str) -> None:
        self.field, self.problem, self.fix = field, problem, fix
        super().__init__(scrub(f"{field}: {problem}. Fix: {fix}"))



class ToolEnv:
    """What the tools share, built by the operator's process; the token is never shown."""

    def __init__(self, settings: MetaSettings, token: str | None, home: str | Path, *,
                 files: str | Path | None = None, sandbox: Any = None,
                 base: Context | None = None) -> None:
        self.settings = settings
        self._token = token
        self.home = Path(home)
        self.files = Path(files if files is not None else ".").resolve()
        self.sandbox = sandbox
        self.base = base or Context.from_env()
        self.lock = threading.RLock()  # one tool call at a time (threads, SQLite, the ledger)
        self._accounts: list[dict[str, Any]] | None = None
        self._contexts: dict[str, Context] = {}
        self._runners: dict[str, Any] = {}
        self._stack = ExitStack()

    def __repr__(self) -> str:
        return f"ToolEnv(home={str(self.home)!r}, files={str(self.files)!r})"

    def client(self, account: str | None = None) -> Any:
        """Return a client that reads (no ledger: nothing here writes)."""
        from tools.meta_client import MetaClient

        settings = dataclasses.replace(self.settings, account_id=account or self.settings.account_id)
        return MetaClient(settings, ledger=None, token=self._token)

    def accounts(self) -> list[dict[str, Any]]:
        """Return the ad accounts the token reaches (read once)."""
        from tools.catalog import list_accounts as listed

        if self._accounts is None:
            self._accounts = listed(self.client())
        return self._accounts

    def account(self, requested: str | None) -> str:
        """Return the account a call works in: `requested` (if the token reaches it) or the default."""
        ids = [str(a["id"]) for a in self.accounts()]
        if requested:
            if requested not in ids:
                raise ToolInputError("account", f"{requested} is not an ad account this token "
                                     f"reaches ({', '.join(ids[:20]) or 'none'})",
                                     "choose one that list_accounts lists")
            return requested
        if self.settings.account_id:
            return act_id(self.settings.account_id)
        if len(ids) == 1:
            return ids[0]
        raise ToolInputError("account", f"the token reaches {len(ids)} ad accounts and none is "
                             f"the default ({', '.join(ids[:20])})",
                             "pass account=act_<digits> (list_accounts lists them)")

    def context(self, account: str) -> Context:
        """Return the run context of `account` (built once, like `adpilot --account`)."""
        from graph.environment import build_context, loopback

        if account not in self._contexts:
            default = self.settings.account_id
            same = bool(default) and act_id(str(default)) == account
            settings = dataclasses.replace(self.settings, account_id=account,
                                           pixel_id=self.settings.pixel_id if same else None)
            ctx = build_context(
                settings, self.home, token=self._token, base=self.base,
                sandbox=self.sandbox is not None or loopback(settings.graph_url))
            # A caller from outside the process reads files only in the operator's folder,
            # in every node (validation, upload), not just where this module checks the text.
            assets = dataclasses.replace(ctx.assets, roots=(str(self.files),))
            self._contexts[account] = dataclasses.replace(ctx, assets=assets)
        return self._contexts[account]

    def runner(self, account: str) -> Any:
        """Return a runner over this home's threads, in `account`'s context."""
        from graph.runner import Runner, open_runner

        if account not in self._runners:
            ctx = self.context(account)
            if not self._runners:
                self._runners[account] = self._stack.enter_context(open_runner(self.home, ctx))
            else:
                first = next(iter(self._runners.values()))
                self._runners[account] = Runner(first.graph, ctx, first.control)
        return self._runners[account]

    def any_runner(self) -> Any:
        """Return a runner for reading threads (the default account's, else any account's)."""
        if self._runners:
            return next(iter(self._runners.values()))
        try:
            account = self.account(None)
        except ToolInputError:
            account = str(self.accounts()[0]["id"])
        return self.runner(account)

    def close(self) -> None:
        """Close the checkpointer the runners share."""
        self._stack.close()


@contextmanager
def open_tool_env(*, home: str | Path | None = None, files: str | Path | None = None,
                  announce: Callable[[str], None] = print) -> Iterator[ToolEnv]:
    """Yield the tools' handle from this process's environment (the embedded sandbox if none)."""
    from graph.environment import adpilot_home, meta_access

    home = Path(home) if home is not None else adpilot_home()
    home.mkdir(parents=True, exist_ok=True)
    base = Context.from_env()
    with meta_access(base.meta, home, announce=announce) as (settings, token, sandbox):
        env = ToolEnv(settings, token, home, files=files, sandbox=sandbox, base=base)
        try:
            yield env
        finally:
            env.close()


# -- argument schemas --------------------------------------------------------------------------
class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _AccountArgs(_Args):
    account: str | None = Field(default=None, description=(
        "the ad account, act_<digits>, among those list_accounts lists (default: the "
        "operator's account)"))

    @field_validator("account")
    @classmethod
    def _act(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not _ACCOUNT_RE.fullmatch(value.strip()):
            raise ValueError("give act_<digits>, e.g. act_1234567890 (list_accounts lists them)")
        return act_id(value.strip())


def _text(value: str, field: str) -> str:
    bounds.check_text(value, field, fix="say it in a few sentences")
    if not value.strip():
        raise ValueError(f"{field} is empty: say what you want in a sentence")
    return value.strip()


class ListAccountsArgs(_Args):
    """No arguments."""


class CampaignTreeArgs(_AccountArgs):
    """Arguments of `campaign_tree`."""

    campaign_id: str | None = Field(default=None, pattern=r"^\d{1,20}$", description=(
        "one campaign's numeric id (default: every campaign of the account)"))


class QueryInsightsArgs(_AccountArgs):
    """Arguments of `query_insights`: a structured question, or `question` in plain words."""

    question: str | None = Field(default=None, description=(
        "the question in plain words (e.g. 'how did Spring Sale do last week?'), read by "
        "adpilot's router; leave empty to give the question's parts below"))
    object_ids: list[str] = Field(default_factory=list, max_length=50, description=(
        "numeric ids of campaigns, ad sets or ads (all of one kind); empty = the whole account"))
    metrics: list[Metric] = Field(default_factory=lambda: ["spend", "results", "cpa"])  # type: ignore[arg-type]
    level: Level = Field(default="campaign", description="the rows' level")
    breakdown: list[Breakdown] = Field(default_factory=list, max_length=2)
    date_preset: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,30}$", description=(
        "a Meta date_preset (last_7d, last_30d, this_month, maximum, ...); default last_7d"))
    since: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$",
                              description="first day, YYYY-MM-DD (with until)")
    until: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$",
                              description="last day, YYYY-MM-DD")
    compare_previous: bool = Field(default=False, description="also the period before")
    rank_by: Metric | None = Field(default=None, description="rank the rows by this metric")
    rank_order: Literal["asc", "desc"] = "desc"
    top_n: int | None = Field(default=None, ge=1, le=100, description="keep the first N rows")

    @field_validator("object_ids")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"\d{1,20}", v.strip())]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a numeric Meta id (campaign_tree lists them)")
        return [v.strip() for v in value]

    @field_validator("question")
    @classmethod
    def _question(cls, value: str | None) -> str | None:
        return _text(value, "question") if value is not None and value.strip() else None


class ThreadStatusArgs(_AccountArgs):
    """Arguments of `thread_status`."""

    thread_id: str | None = Field(default=None, pattern=r"^[\w.:-]{1,100}$", description=(
        "one thread (default: every thread, of `account` when given)"))


class PlanBriefArgs(_AccountArgs):
    """Arguments of `plan_brief`."""

    brief: str = Field(description="the campaign brief in words")

    @field_validator("brief")
    @classmethod
    def _brief(cls, value: str) -> str:
        return _text(value, "brief")


class ProposeRequestArgs(_AccountArgs):
    """Arguments of `propose_request`."""

    request: str = Field(description=(
        "what to change, in words, e.g. 'pause Spring Sale' or 'raise Spring Sale's budget "
        "by 20%'; a question is answered at once"))

    @field_validator("request")
    @classmethod
    def _request(cls, value: str) -> str:
        return _text(value, "request")


class ProposeWatchArgs(_AccountArgs):
    """Arguments of `propose_watch`."""

    campaign_id: str = Field(pattern=r"^\d{1,20}$", description="the campaign's numeric id")
    target_cpa: float | None = Field(default=None, gt=0, description=(
        "target cost per result in the account's currency, e.g. 40"))
    target_roas: float | None = Field(default=None, gt=0, description="target ROAS, e.g. 2.5")


# -- the tools ---------------------------------------------------------------------------------
def list_accounts(env: ToolEnv) -> dict[str, Any]:
    """List the ad accounts the token reaches: id, name, currency, time zone, status.

    Read-only. Any of these ids can be passed as `account` to the other tools.
    """
    return {"accounts": env.accounts()}


def _catalog(env: ToolEnv, account: str) -> dict[str, Any]:
    from tools.catalog import read_catalog

    return read_catalog(env.client(account), [account])[0]


def campaign_tree(env: ToolEnv, account: str | None = None,
                  campaign_id: str | None = None) -> dict[str, Any]:
    """Show an account's campaigns → ad sets → ads, with status and budgets (or one campaign's).

    Read-only. Money is in minor units of the account's currency (cents for USD); a budget
    is null at the level that has none.
    """
    acct = env.account(account)
    tree = _catalog(env, acct)
    campaigns = tree.get("campaigns") or []
    if campaign_id is not None:
        campaigns = [c for c in campaigns if str(c.get("id")) == campaign_id]
        if not campaigns:
            raise ToolInputError("campaign_id", f"{campaign_id} is not a campaign of {acct}",
                                 "call campaign_tree without campaign_id to list them")
    for c in campaigns:
        for s in c.get("adsets") or []:
            s.pop("targeting_spec", None)  # Meta's full spec; `targeting` says it in words
    return {**tree, "campaigns": campaigns}


def _entities(tree: dict[str, Any], ids: list[str], account: str) -> list[EntityRef]:
    found: dict[str, EntityRef] = {}
    for c in tree.get("campaigns") or []:
        found[str(c["id"])] = EntityRef(type="campaign", id=str(c["id"]), name=str(c.get("name")),
                                        match="id", account=account)
        for s in c.get("adsets") or []:
            found[str(s["id"])] = EntityRef(type="adset", id=str(s["id"]), name=str(s.get("name")),
                                            match="id", account=account)
            for a in s.get("ads") or []:
                found[str(a["id"])] = EntityRef(type="ad", id=str(a["id"]),
                                                name=str(a.get("name")), match="id", account=account)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ToolInputError("object_ids", f"{missing[0]} is not a campaign, ad set or ad of "
                             f"{account}", "campaign_tree lists the account's ids")
    return [found[i] for i in ids]


def query_insights(env: ToolEnv, account: str | None = None, question: str | None = None,
                   object_ids: list[str] | None = None, metrics: list[str] | None = None,
                   level: str = "campaign", breakdown: list[str] | None = None,
                   date_preset: str | None = None, since: str | None = None,
                   until: str | None = None, compare_previous: bool = False,
                   rank_by: str | None = None, rank_order: str = "desc",
                   top_n: int | None = None) -> dict[str, Any]:
    """Answer a question about existing campaigns from Meta's insights (read-only).

    Give the question's parts (object_ids, metrics, level, breakdown, dates, compare,
    rank), or `question` in plain words. The answer is a sentence with the numbers, the
    table behind it (money in minor units) and the Graph reads made.
    """
    from agents.insights.answer import answer_question

    acct = env.account(account)
    tree = _catalog(env, acct)
    client = env.client(acct)
    today = _today(client, tree)
    if question:
        intent = _read_question(env, question, client, acct, today)
    else:
        try:
            dates = (DateRange(since=since, until=until) if since or until
                     else DateRange(preset=date_preset or "last_7d"))
        except ValidationError as exc:
            raise ToolInputError("since/until", _first_error(exc),
                                 "give date_preset, or both since and until (YYYY-MM-DD)") from None
        params = QuestionParams(
            metrics=metrics or ["spend", "results", "cpa"], level=level,  # type: ignore[arg-type]
            breakdown=breakdown or None, date_range=dates,  # type: ignore[arg-type]
            compare_previous=compare_previous,
            rank={"by": rank_by, "order": rank_order, "n": top_n} if rank_by else None)  # type: ignore[arg-type]
        intent = Intent(route="question", entities=_entities(tree, object_ids or [], acct),
                        params=params.model_dump(), account=acct, source="command",
                        request="query_insights")
    answer = answer_question(client, intent, account=tree, today=today)
    return {"account": acct, "intent": intent.model_dump(), "answer": answer.model_dump()}


def _today(client: Any, tree: dict[str, Any]) -> Any:
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(str(tree.get("timezone_name") or "UTC"))
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return client.account_clock().astimezone(zone).date()


def _read_question(env: ToolEnv, question: str, client: Any, acct: str, today: Any) -> Intent:
    from agents.orchestrator.requests import read  # the router node's own reading

    intent, _ = read(question, client, acct, env.base, today=today)
    if intent.route != "question":
        raise ToolInputError("question", f"this reads as a {intent.route} request, not a "
                             "question", "ask for a change with propose_request (it stops at "
                             "a card for a person), or rephrase the question")
    return intent


def thread_status(env: ToolEnv, account: str | None = None,
                  thread_id: str | None = None) -> dict[str, Any]:
    """Say where threads stand: one thread with its pending card, or the list (per account).

    Read-only: it never runs, resumes or answers a thread.
    """
    runner = env.any_runner()
    if thread_id is not None:
        if not runner.exists(thread_id):
            raise ToolInputError("thread_id", f"no thread {thread_id!r} here",
                                 "call thread_status without thread_id to list them")
        return _outcome(runner.status(thread_id))
    want = account and env.account(account)
    rows = []
    for tid in runner.threads():
        out = runner.status(tid)
        if want and out.values.get("account") != want:
            continue
        rows.append({"thread": tid, "account": out.values.get("account"),
                     "phase": out.values.get("phase"), "waiting_for": out.waiting_for,
                     "status": out.values.get("status"), "done": out.done})
    return {"threads": rows}


def _outcome(out: Any) -> dict[str, Any]:
    """Describe a thread for a tool result: phase, status, the pending card, the next step."""
    values, card = out.values, out.interrupt or {}
    result: dict[str, Any] = {
        "thread": out.thread_id, "account": values.get("account"), "phase": values.get("phase"),
        "status": values.get("status"), "waiting_for": out.waiting_for, "done": out.done,
        "next": list(out.next), "notes": list(getattr(out, "notes", []))}
    if values.get("answer"):
        result["answer"] = values["answer"]  # the answer as the node stored it (a dict)
    if card:
        result["card"] = {"kind": card.get("kind"), "description": card.get("description"),
                          "receipt": card.get("receipt"),
                          "actions": [{k: a.get(k) for k in ("name", "args", "description")}
                                      for a in card.get("action_requests") or []],
                          "questions": card.get("questions")}
    if out.waiting_for == "approval":
        result["next_step"] = APPROVE_LINE.format(thread=out.thread_id)
    elif out.waiting_for == "clarify":
        result["next_step"] = (f"adpilot asks a question: a person answers it with `adpilot "
                               f"resume {out.thread_id} --answer \"...\"`")
    return result


MEDIA = re.compile(r"[^\s`\"']*\.(?:jpe?g|png|webp|gif|bmp|tiff?|mp4|mov|m4v|avi|webm)\b", re.I)


def _inside(env: ToolEnv, text: str, field: str) -> None:
    """Refuse a media file named in `text` outside the operator's files directory."""
    for match in MEDIA.finditer(text):
        name = match.group(0)
        if re.match(r"(?:https?://|www\.)", name, re.I) or "://" in name:
            continue
        path = Path(name).expanduser()
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not path.is_relative_to(env.files):
            raise ToolInputError(field, f"{name} is outside the folder adpilot may read "
                                 f"({env.files})", "put the file in that folder and name it "
                                 "from there, or give an https URL")


def plan_brief(env: ToolEnv, brief: str, account: str | None = None) -> dict[str, Any]:
    """Plan a campaign brief and check it locally, without writing anything anywhere.

    Returns the plan, its problems and warnings (each naming the field and the fix), and the
    approval card's markdown as a person would see it. To launch, a person runs
    `adpilot run` (it stops at that card).
    """
    from agents.orchestrator.card import reading_lines, render_card
    from agents.orchestrator.nodes import (
        account_today,
        check_locally,
        issue_dicts,
        run_now,
        run_planner,
        unique_issues,
    )
    from tools.asset_checks import iter_assets

    _inside(env, brief, "brief")
    ctx = env.context(env.account(account))
    now = run_now(ctx)
    result = run_planner(brief, ctx, today=account_today(ctx, now=now))
    problems = issue_dicts(result.problems) + [
        {"path": q.get("field", "brief"), "message": str(q.get("question", q)),
         "fix": "answer it in the brief", "rule": q.get("kind", "missing")}
        for q in issue_dicts(result.questions)]
    warnings = issue_dicts(result.warnings)
    if result.plan is not None:
        for field, ref, _ in iter_assets(result.plan):
            if ref.get("path"):
                _inside(env, str(ref["path"]), field)
        more_problems, more_warnings = check_locally(result.plan, ctx, now)
        problems = unique_issues(problems + more_problems)
        warnings = unique_issues(warnings + more_warnings)
    reading = {"not_understood": result.not_understood, "adjustments": result.adjustments}
    card = (render_card(result.plan, problems=problems, warnings=warnings, reading=reading, now=now)
            if result.plan is not None else "\n".join(reading_lines(reading)))
    return {"account": ctx.account_id, "plan": result.plan, "problems": problems,
            "warnings": warnings, "not_understood": result.not_understood,
            "adjustments": result.adjustments, "card": card,
            "next_step": "nothing was written; a person launches it with `adpilot run` "
                         "(it stops at the approval card)"}


def propose_request(env: ToolEnv, request: str, account: str | None = None) -> dict[str, Any]:
    """Start a thread for a request about existing campaigns; it stops at a card for a person.

    A change ("pause Spring Sale", "raise its budget by 20%") is proposed on an approval
    card and nothing changes on Meta until a person approves it; a question is answered at
    once. Returns the thread id, its phase and status, and the pending card (markdown,
    actions, receipt).
    """
    _inside(env, request, "request")
    acct = env.account(account)
    outcome = env.runner(acct).start("", request=request)
    return _outcome(outcome)


def propose_watch(env: ToolEnv, campaign_id: str, account: str | None = None,
                  target_cpa: float | None = None,
                  target_roas: float | None = None) -> dict[str, Any]:
    """Start a thread that adopts an existing campaign into adpilot's optimise loop.

    The thread reads the campaign, checks the money gate's caps and waits for data; every
    change the loop proposes later stops at an approval card for a person.
    """
    from state.rules import to_minor

    if target_cpa is not None and target_roas is not None:
        raise ToolInputError("target_cpa", "give target_cpa or target_roas, not both",
                             "drop one of them")
    acct = env.account(account)
    ctx = env.context(acct)
    watch: dict[str, Any] = {"campaign_id": campaign_id}
    if target_cpa is not None:
        watch["target_cpa_minor"] = to_minor(target_cpa, ctx.currency)
    if target_roas is not None:
        watch["target_roas"] = target_roas
    return _outcome(env.runner(acct).start("", watch=watch))


TOOLS: dict[str, tuple[Callable[..., dict[str, Any]], type[BaseModel]]] = {
    "list_accounts": (list_accounts, ListAccountsArgs),
    "campaign_tree": (campaign_tree, CampaignTreeArgs),
    "query_insights": (query_insights, QueryInsightsArgs),
    "thread_status": (thread_status, ThreadStatusArgs),
    "plan_brief": (plan_brief, PlanBriefArgs),
    "propose_request": (propose_request, ProposeRequestArgs),
    "propose_watch": (propose_watch, ProposeWatchArgs),
}


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return str(err.get("msg", "invalid")).removeprefix("Value error, ")


def _argument_error(exc: ValidationError, schema: type[BaseModel]) -> ToolInputError:
    """Name the first bad argument, what is wrong (never its value) and the fix."""
    errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
    err = errors[0]
    field = ".".join(str(p) for p in err.get("loc") or ()) or "arguments"
    known = ", ".join(schema.model_fields) or "none"
    if err.get("type") == "extra_forbidden":
        return ToolInputError(field, "is not an argument of this tool", f"its arguments are: {known}")
    info = schema.model_fields.get(field.split(".")[0])
    fix = f"give {info.description}" if info is not None and info.description else \
        "see the tool's argument schema"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return ToolInputError(field, msg + more, fix)


def explain(exc: ValidationError) -> str:
    """Say what is wrong with a tool's arguments: each field and its fix, never the values."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc") or ()) or "arguments"
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "is not an argument of this tool (its schema lists them)"
        parts.append(f"{field}: {msg}")
    return scrub("; ".join(parts))


def call_tool(env: ToolEnv, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Validate `args` with the tool's schema, run it, and return its scrubbed result.

    Raises `ToolInputError` for bad arguments and for anything adpilot refuses, with the
    field and the fix; the message never holds a token.
    """
    from agents.common import LaunchError
    from graph.environment import SetupError
    from state.control import ThreadBusy, ThreadStopped
    from state.storage import StorageError
    from tools.errors import MetaError, ThrottledError

    if name not in TOOLS:
        raise ToolInputError("name", f"no tool {name!r}", f"use one of {', '.join(TOOLS)}")
    fn, schema = TOOLS[name]
    try:
        parsed = schema.model_validate(args)
    except ValidationError as exc:
        raise _argument_error(exc, schema) from None
    kwargs = {k: getattr(parsed, k) for k in type(parsed).model_fields}
    try:
        with env.lock:
            result = fn(env, **kwargs)
    except ToolInputError:
        raise
    except SetupError as exc:
        raise ToolInputError("account", str(exc), "choose another account") from None
    except ThrottledError as exc:
        raise ToolInputError("meta", exc.words(), "wait until then and call it again") from None
    except MetaError as exc:
        raise ToolInputError("meta", f"Meta refused or failed: {exc}", "see Meta's message") from None
    except (LaunchError, StorageError, ThreadBusy, ThreadStopped, KeyError, ValueError) as exc:
        raise ToolInputError(name, str(exc).strip("'\""), "see the message") from None
    except Exception as exc:  # noqa: BLE001 - a caller gets a sentence; the log gets the trace
        logging.getLogger(__name__).exception("tool %s failed", name)
        raise ToolInputError(name, f"adpilot failed ({type(exc).__name__}: {exc}); nothing "
                             "was approved or applied", "see the server's log") from None
    return clean(result)


def clean(result: Any) -> Any:
    """Return `result` as plain JSON values with every secret scrubbed (asserted, too)."""
    plain = json.loads(json.dumps(scrub_obj(result), default=str))
    text = json.dumps(plain)
    leaked = [s for s in registered_secrets() if s in text]
    assert not leaked, "a tool result held a secret"  # scrub_obj removes them; never reached
    return plain


def make_tools(env: ToolEnv) -> list[StructuredTool]:
    """Return the tools as LangChain tools bound to `env` (name, docstring, schema per tool)."""
    out = []
    for name, (fn, schema) in TOOLS.items():
        def run(_name: str = name, **kwargs: Any) -> dict[str, Any]:
            return call_tool(env, _name, {k: v for k, v in kwargs.items() if v is not None})

        out.append(StructuredTool.from_function(
            func=run, name=name, description=describe(fn), args_schema=schema,
            handle_tool_error=True, handle_validation_error=explain))
    return out


def describe(fn: Callable[..., Any]) -> str:
    """Return a tool's description: its function's docstring, dedented."""
    import inspect

    return inspect.cleandoc(fn.__doc__ or "")
