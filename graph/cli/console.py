"""How the CLI shows a run: node progress, approval cards, questions, waits and created ids.

Rich's Markdown, Panel and Progress are imported where a card or a launch is shown: every
command imports this module at start-up, and most (`--help`, `status`) draw neither.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table

console = Console()
err_console = Console(stderr=True)

LAUNCH_STEPS = ("upload_assets", "create_campaigns", "create_ads", "activate")
STEP_TEXT = {
    "plan_campaign": "planned the campaign",
    "validate_plan": "checked the plan (local rules + Meta validate_only)",
    "review_plan": "recorded the decision",
    "upload_assets": "uploaded the assets",
    "create_campaigns": "created the campaign and ad sets (PAUSED)",
    "create_ads": "created the creatives and ads (PAUSED)",
    "activate": "set the launch status",
}


def describe_update(node: str, update: Any) -> str:
    """One line saying what a node just did."""
    if node == "__interrupt__":
        return "paused for a decision"
    if isinstance(update, dict) and update.get("refusals"):
        # Never "applied" (or "uploaded") for a refused step: say what the gate did instead.
        first = str(update.get("status") or "").splitlines()[:1]
        said = first[0].rstrip(":") if first else "refused by the money gate"
        return f"{node.replace('_', ' ')}: {said} — {len(update['refusals'])} REFUSED"
    text = STEP_TEXT.get(node, node.replace("_", " "))
    if isinstance(update, dict):
        if node == "upload_assets" and update.get("assets") is not None:
            assets = update["assets"].values()
            reused = sum(1 for a in assets if a.get("reused"))
            text += f" ({len(update['assets'])} files, {reused} reused)"
        if update.get("phase"):
            text += f" → {update['phase']}"
    return text


class RunDisplay:
    """Prints each node as it finishes, with a progress bar over the launch steps."""

    def __init__(self, out: Console = console) -> None:
        self.out = out
        self.progress: Progress | None = None
        self.task: Any = None

    def __call__(self, node: str, update: Any) -> None:
        """Show one node update (the runner's update hook)."""
        if node == "__interrupt__":
            return
        if isinstance(update, dict) and update.get("refusals"):
            self.close()
            self.out.print(f"[red]✗[/] {node}: {escape(describe_update(node, update))}")
            return
        if node in LAUNCH_STEPS and self.progress is None:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("[bold]launch"), BarColumn(),
                                     TextColumn("{task.description}"), console=self.out, transient=False)
            self.progress.start()
            self.task = self.progress.add_task("starting", total=len(LAUNCH_STEPS))
        if self.progress is not None and node in LAUNCH_STEPS:
            self.progress.update(self.task, advance=1, description=describe_update(node, update))
            if node == LAUNCH_STEPS[-1]:
                self.close()
            return
        self.out.print(f"[green]✓[/] {node}: {describe_update(node, update)}")

    def close(self) -> None:
        """Stop the progress bar (safe to call twice)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


@contextmanager
def run_display(out: Console = console) -> Iterator[RunDisplay]:
    """Yield a RunDisplay that always stops its progress bar."""
    display = RunDisplay(out)
    try:
        yield display
    finally:
        display.close()


def show_plan_problems(values: dict[str, Any], out: Console = console) -> None:
    """List the problems that block a launch and the warnings."""
    for p in values.get("problems") or []:
        out.print(f"[red]✗ {p.get('path', '?')}[/]: {p.get('message', '')} [dim]— fix: {p.get('fix', '')}[/]")
    for w in values.get("warnings") or []:
        out.print(f"[yellow]! {w.get('path', '?')}[/]: {w.get('message', '')}")


def show_refusals(refusals: list[dict[str, Any]], out: Console = console) -> None:
    """Print each refusal: the cap, the numbers and how to allow it (nothing was sent)."""
    if not refusals:
        return
    out.print(f"[red bold]Refused ({len(refusals)})[/] — nothing was sent to Meta for:")
    for r in refusals:
        out.print(f"[red]✗[/] {escape(str(r.get('message', '')))}", highlight=False)


def approval_hint(thread_id: str, payload: dict[str, Any]) -> str:
    """How to answer an approval card from here: only the decisions the card allows.

    `approve --edit FILE` edits a launch plan (one action carrying `plan`); `--reject` needs
    every action to allow a reject. A second line names the absolute ADPILOT_HOME the thread
    lives in: `approve` from another folder finds it only there.
    """
    requests = [r for r in payload.get("action_requests") or [] if isinstance(r, dict)]
    configs = {str(c.get("action_name")): set(c.get("allowed_decisions") or [])
               for c in payload.get("review_configs") or [] if isinstance(c, dict)}
    allowed = [configs.get(str(r.get("name")), set()) for r in requests]
    parts = [f"Approve: [bold]adpilot approve {thread_id}[/]"]
    if (len(requests) == 1 and "edit" in allowed[0]
            and isinstance((requests[0].get("args") or {}).get("plan"), dict)):
        parts.append(f"edit: [bold]adpilot approve {thread_id} --edit plan.json[/]")
    if allowed and all("reject" in a for a in allowed):
        parts.append(f"reject: [bold]adpilot approve {thread_id} --reject 'reason'[/]")
    return "  ·  ".join(parts) + "\n" + home_footer("approve")


def home_footer(verb: str) -> str:
    """Return the dim line naming the absolute ADPILOT_HOME under a card or question.

    A person who `approve`s or answers from another folder finds the thread only there.
    """
    from graph.home import adpilot_home

    home = escape(str(adpilot_home().resolve()))
    return f"[dim]state: {home} (set ADPILOT_HOME={home} to {verb} from another folder)[/]"


def show_interrupt(thread_id: str, payload: dict[str, Any], out: Console = console, *,
                   hints: bool = True) -> None:
    """Render a pending interrupt and (with `hints`) say how to answer it."""
    from rich.markdown import Markdown
    from rich.panel import Panel

    kind = payload.get("kind")
    if kind == "approval":
        out.print(Panel(Markdown(payload.get("description", "")), title=f"approval needed · {thread_id}",
                        subtitle=f"receipt {str(payload.get('receipt', ''))[:12]}…"))
        if payload.get("error"):
            out.print(f"[red]Last answer refused:[/] {payload['error']}")
        if hints:
            out.print(approval_hint(thread_id, payload))
    elif kind == "clarify" and "request" in payload:  # `adpilot ask`: a request to clear up
        out.print(Panel(Markdown(str(payload.get("description") or "")),
                        title=f"the request needs an answer · {thread_id}"))
        if payload.get("error"):
            out.print(f"[red]Last answer refused:[/] {payload['error']}")
        out.print(f"Answer: [bold]adpilot resume {thread_id} --answer '...'[/] (a number from the "
                  "list, an id, a name or an amount)")
        if hints:
            out.print(home_footer("answer"))
    elif kind == "clarify":
        out.print(Panel("\n".join(f"• {q.get('question', q) if isinstance(q, dict) else q}"
                                  for q in payload.get("questions", [])),
                        title=f"the brief leaves something out · {thread_id}"))
        questions = [q for q in payload.get("questions", []) if isinstance(q, dict)]
        example = next((q.get("example") for q in questions if q.get("example")), "...")
        if payload.get("answers_left") == 1:
            from state.hitl import LAST_ANSWER_NOTE

            out.print(f"[yellow]{LAST_ANSWER_NOTE}[/]")
        out.print(f"Answer: [bold]adpilot resume {thread_id} --answer '{example}'[/]")
        if hints:
            out.print(home_footer("answer"))
    elif kind == "wait":
        out.print(f"[cyan]⏸ waiting until {payload.get('until')}[/]: {payload.get('reason', '')}")
        if hints:
            out.print("Wake due threads with [bold]adpilot tick[/]")
    else:
        out.print(Panel(json.dumps(payload, indent=2, default=str), title=f"interrupt · {thread_id}"))


def created_table(created: dict[str, Any], plan: dict[str, Any] | None = None) -> Table:
    """Tabulate the ids a launch created: the campaign tree, then its audiences and lead form.

    `created["audiences"]` / `created["lead_forms"]` map provenance keys to ids; with the
    thread's `plan` each says its kind and name ("audience: lookalike “LAL buyers”").
    """
    from rich.table import Table

    from agents.insights.results import created_rows

    table = Table(title="created on Meta", show_lines=False)
    table.add_column("object")
    table.add_column("plan key")
    table.add_column("Meta id")
    for what, key, meta_id in created_rows(created, plan):
        table.add_row(escape(what), key, meta_id)
    return table


def status_table(rows: list[dict[str, Any]], stopped: dict[str, str] | None = None) -> Table:
    """Tabulate threads and where each one stands; threads `adpilot stop` stopped say so.

    `stopped` maps thread → when it was stopped; by default it is read from ADPILOT_HOME.
    """
    if stopped is None:
        from graph.environment import adpilot_home
        from tools.kill_switch import stopped_threads

        stopped = stopped_threads(adpilot_home())
    from rich.table import Table

    table = Table(title="threads")
    # Ids are copied into the next command: the thread's is never cut nor broken, and in a
    # narrow terminal the other cells fold onto more lines instead of ending in "…".
    table.add_column("thread", no_wrap=True)
    for col in ("account", "kind", "phase", "waiting for", "next", "campaign"):
        table.add_column(col, overflow="fold")
    for row in rows:
        phase = row.get("phase") or "—"
        if row["thread"] in stopped:
            phase = f"STOPPED {stopped[row['thread']][:16]}Z ({phase})"
        table.add_row(row["thread"], row.get("account") or "—", row.get("kind") or "—", phase,
                      row.get("waiting") or "—", ", ".join(row.get("next") or []) or "—",
                      row.get("campaign") or "—")
    return table
