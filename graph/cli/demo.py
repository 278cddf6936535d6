"""The `demo` command: a sample brief end to end on the embedded sandbox — no network, no keys.

Plan → approval card (auto-accepted with --yes, and printed) → launch with a progress display →
created ids → optimise cycles on the simulated clock (each card printed and auto-approved with
--yes) until the campaign's 21 days are over (the loop's last cycle collects the final numbers
and ends with the campaign) → report. Sample images are drawn with Pillow into ADPILOT_HOME/demo_assets (Pillow is
imported only then, so every other command starts without it).

The sandbox runs `demo_scenario`: the bundled store (`ecommerce_usd`) in a small market —
reachable pools of `reach_pool_days` 0.3 (default 10) and creative fatigue twice as quick
(`fatigue_scale` 4, default 8; `sandbox/scenarios/README.md`) — so within the flight the
loop's pauses and budget moves concentrate delivery on a few ads and a card proposes a
creative refresh (new ads beside the one left running, or beside a tired one), which is
launched and judged on the next card. `DEMO_SEED` fixes which world the sandbox draws: in
seed 29 the second optimise card proposes refreshes of three tired ads (CTR down week over
week while the same people see them twice or more a week), the third judges them, and the
report explains a budget cut of the ad set it calls the best; the report covers the whole
flight. Written to ADPILOT_HOME/demo_scenario.json; a sandbox.db already in that home keeps
the scenario it started with.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.cli.common import approve_value, fail
from graph.cli.console import console, created_table, run_display, show_interrupt
from graph.cli.root import app
from graph.home import adpilot_home

if TYPE_CHECKING:
    from graph.runner import Outcome, Runner

DEMO_COLOURS = [((21, 101, 192), (255, 193, 7)), ((46, 125, 50), (255, 255, 255)),
                ((183, 28, 28), (255, 235, 59))]
# A sales campaign (no experiment) with four audiences of three ads each and a target
# CPA: the loop has losers to pause and budget to move, each with evidence, on every card.
DEMO_BRIEF = (
    "Sell our new TrailBlaze running shoes to runners in the US and Canada. One ad set per age "
    "group: 18-24, 25-34, 35-44 and 45-54. Budget $160/day for 21 days starting tomorrow, "
    "target CPA $40. Landing page https://shop.example.com/trailblaze. Use images {images}. "
    "Shop now."
)
DEMO_SEED = 29  # a fixed sandbox scenario seed: the same delivery, so the same cards, every run
DEMO_MODEL = {"reach_pool_days": 0.3, "fatigue_scale": 4.0}  # a small market (module docstring)
WEB_URL = "http://127.0.0.1:8765/"  # where `adpilot web` listens by default
MAX_DEMO_STEPS = 40  # interrupts handled before the demo gives up (a loop bound, not a timeout)


def sample_images(folder: Path) -> list[Path]:
    """Draw three 1080×1080 product cards (kept if already there)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (bg, fg) in enumerate(DEMO_COLOURS):
        path = folder / f"trailblaze_{i + 1}.png"
        if not path.exists():
            img = Image.new("RGB", (1080, 1080), bg)
            draw = ImageDraw.Draw(img)
            draw.ellipse((240, 300, 840, 780), fill=fg)
            draw.rectangle((200, 760, 880, 840), fill=fg)
            draw.text((80, 80), f"TrailBlaze · look {i + 1}", fill=fg)
            img.save(path)
        paths.append(path)
    return paths


def _confirm(kind: str, yes: bool) -> bool:
    if yes:
        console.print(f"[bold green]--yes: {kind} approved[/]")
        return True
    return typer.confirm(f"Approve this {kind}?", default=True)


def _step(runner: Runner, outcome: Outcome, env: Any, yes: bool, display: Any) -> Outcome | None:
    """Answer one interrupt; None when the demo should stop."""
    payload = outcome.interrupt or {}
    kind = payload.get("kind")
    display.close()
    show_interrupt(outcome.thread_id, payload, hints=False)
    if kind == "approval":
        is_launch = any(a.get("name") == "launch_campaign" for a in payload.get("action_requests", []))
        label = "launch" if is_launch else "optimise card"
        approved = _confirm(label, yes)
        decision = {"type": "approve"} if approved else {"type": "reject", "message": "declined in the demo"}
        return runner.resume(outcome.thread_id, approve_value(decision, payload),
                             interrupt_id=outcome.interrupt_id, on_update=display)
    if kind == "wait":
        days = _days_until(env, payload)
        env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": days})
        console.print(f"[cyan]⏩ simulated clock advanced {days} days[/]")
        return runner.resume(outcome.thread_id, {"woke_at": "demo"}, on_update=display)
    return None


def _days_until(env: Any, payload: dict[str, Any]) -> int:
    """Whole days to move the sandbox clock so the wait is due (at least `cycle_days`)."""
    now = datetime.fromisoformat(env.sandbox.admin("GET", "/__sandbox__/clock")["now"])
    until = datetime.fromisoformat(str(payload.get("until") or now.isoformat()))
    short = (until - now).total_seconds()
    return max(env.context.cycle_days, math.ceil(short / 86400))


@app.command()
def demo(yes: Annotated[bool, typer.Option("--yes", help="auto-approve every card (printed)")] = False) -> None:
    """Run a sample brief end to end on the embedded sandbox (no network, no keys)."""
    run_demo(yes=yes)


def run_demo(*, yes: bool, home: Path | None = None) -> Outcome:
    """Run the demo and print where its thread and report live."""
    from graph.environment import open_environment
    from graph.runner import open_runner

    home = home or adpilot_home()
    images = sample_images(home / "demo_assets")
    brief = DEMO_BRIEF.format(images=", ".join(str(p) for p in images))
    thread_id = f"demo-{uuid.uuid4().hex[:8]}"
    console.rule("[bold]adpilot demo")
    console.print(f"[bold]Brief:[/] {brief}\n")
    with open_environment(home=home, embedded=True, seed=DEMO_SEED, announce=console.print,
                          scenario=demo_scenario(home)) as env:
        # The demo goes live (so there is delivery to optimise) and its loop runs with no
        # cycle limit: it ends when the campaign does, so the report covers the whole flight.
        policy = dataclasses.replace(env.context.policy, go_live=True)
        env.context = dataclasses.replace(env.context, policy=policy, max_cycles=None)
        with open_runner(env.home, env.context) as runner, run_display() as display:
            outcome = runner.start(brief, thread_id, on_update=display)
            launched = False
            for _ in range(MAX_DEMO_STEPS):
                if outcome.interrupt is None:
                    break
                if not launched and outcome.values.get("created", {}).get("ads"):
                    launched = True
                    console.print(created_table(outcome.values["created"], outcome.values.get("plan")))
                nxt = _step(runner, outcome, env, yes, display)
                if nxt is None:
                    break
                outcome = nxt
            display.close()
            values = outcome.values
            if values.get("phase") in ("unplannable", "invalid"):
                from graph.cli.console import show_plan_problems

                show_plan_problems(values)
                fail("the demo brief did not produce a valid plan", code=1)
            if not launched and values.get("created"):
                console.print(created_table(values["created"], values.get("plan")))
            report_path = _write_report(runner, env, thread_id)
    console.rule("[bold]done")
    console.print(f"thread: [bold]{thread_id}[/]   ADPILOT_HOME: [bold]{home.resolve()}[/]")
    console.print(f"inspect: adpilot status {thread_id}" + (f"   report: {report_path}" if report_path else ""))
    console.print(dashboard_line(home))
    return outcome


def dashboard_line(home: Path) -> str:
    """How to open the browser dashboard on what the demo created."""
    import shlex
    import sys

    # the command as this process was started (`.venv/bin/adpilot` from `make demo`)
    exe = sys.argv[0] if Path(sys.argv[0]).name == "adpilot" else "adpilot"
    return (f"dashboard: run `ADPILOT_HOME={shlex.quote(str(home.resolve()))} "
            f"{shlex.quote(exe)} web`, then "
            f"open {WEB_URL} — the demo's campaign, its verdicts, timeline and report are there")


def demo_scenario(home: Path) -> str:
    """Write the demo's scenario (the bundled store with `DEMO_MODEL`'s knobs) into `home`."""
    import json

    from sandbox.scenario import SCENARIO_DIR

    data = json.loads((SCENARIO_DIR / "ecommerce_usd.json").read_text(encoding="utf-8"))
    data["model"] = {**(data.get("model") or {}), **DEMO_MODEL}
    path = home / "demo_scenario.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return str(path)


def _write_report(runner: Runner, env: Any, thread_id: str) -> Path | None:
    """Write the thread's Markdown report with its charts (None when nothing launched)."""
    from agents.insights.reporting import write_report

    if not runner.status(thread_id).values.get("created"):
        return None
    written = write_report(thread_id, "md", None, runner=runner, home=env.home, model=None)
    charts = written.get("charts") or []
    console.print(f"report: {written.get('report')} ({len(charts)} chart(s))")
    return Path(written["report"]) if written.get("report") else None
