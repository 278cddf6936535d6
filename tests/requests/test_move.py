"""Moving budget between two objects, and the later asks of a combined request, over HTTP.

"move X from A to B" is one card with two changes — A down by X, B up by X — that together
spend nothing more; X in money, money a day, or a percent of A's budget (said on the card).
A move that does not say where from or where to is asked about, never read as a new budget.
A combined request ("pause A and raise B") proposes its second part on its own card once the
first card is answered, as the first card's notes promise.
"""

from __future__ import annotations

import json

from tests.launchkit import objects, said, writes
from tests.requests.world import sdk_world


def _budgets(server, ids) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    sets = {o["id"]: int(o["daily_budget"]) for o in objects(server.url, "adset")
            if o.get("daily_budget")}
    return sets[ids["adsets"]["US 18-34"]], sets[ids["adsets"]["US 35-54"]]


def test_a_percent_move_is_one_card_down_on_the_source_and_up_on_the_destination(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path, pair=True)
    card = run("ask", "move 10% of the budget from US 18-34 to US 35-54", "--thread", "m1")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    text = said(card)
    assert "USD 40.00 → USD 36.00" in text and "USD 40.00 → USD 44.00" in text, text
    assert "of “US 18-34”’s budget" in text, text  # what the percent is of
    assert _budgets(server, ids) == (4000, 4000)
    assert run("approve", "m1").exit_code == 0
    assert _budgets(server, ids) == (3600, 4400)  # budget-neutral: 80 a day before and after


def test_a_daily_money_move_and_take_then_give_are_one_card_each(cli, tmp_path, home):
    server, run = cli
    ids = sdk_world(server, tmp_path, pair=True)
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(json.dumps({"budget_cooldown_hours": 0}))
    card = run("ask", "shift $4 a day from US 35-54 to US 18-34", "--thread", "m2")
    text = said(card)
    assert "USD 40.00 → USD 36.00" in text and "USD 40.00 → USD 44.00" in text, card.output
    assert "USD 10.00" not in text
    assert run("approve", "m2").exit_code == 0
    assert _budgets(server, ids) == (4400, 3600)

    card = run("ask", "take $4 from US 18-34 and give it to US 35-54", "--thread", "m3")
    text = said(card)
    assert "USD 44.00 → USD 40.00" in text and "USD 36.00 → USD 40.00" in text, card.output
    assert run("approve", "m3").exit_code == 0
    assert _budgets(server, ids) == (4000, 4000)
    # one card: the thread ends there, no second card for the add
    assert json.loads(run("status", "m3", "--json").stdout)[0]["waiting"] is None


def test_a_move_without_a_source_or_a_destination_is_asked_about(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path, pair=True)
    before = writes(server)
    for request in ("move $5 a day to US 35-54", "move $5 a day out of US 18-34"):
        out = run("ask", request)
        assert out.exit_code == 0 and "the request needs an answer" in out.output, out.output
    assert writes(server) == before and _budgets(server, ids) == (4000, 4000)


def test_the_second_part_of_a_combined_request_gets_its_own_card(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path, pair=True)
    request = "pause US 18-34 and raise US 35-54 by 10%"
    body = json.loads(run("ask", request, "--thread", "j1", "--json").stdout)
    assert body["intent"]["route"] == "status" and body["intent"]["also"][0]["route"] == "budget"
    assert any("budget on US 35-54" in n and "own card" in n for n in body["intent"]["notes"])
    first = run("ask", request, "--thread", "c1")
    assert "approval needed" in first.output and "own card" in said(first), first.output
    second = run("approve", "c1")
    assert second.exit_code == 0 and "approval needed" in second.output, second.output
    assert "USD 40.00 → USD 44.00" in said(second), second.output
    paused = next(o for o in objects(server.url, "adset") if o["id"] == ids["adsets"]["US 18-34"])
    assert paused["status"] == "PAUSED" and _budgets(server, ids)[1] == 4000
    assert run("approve", "c1").exit_code == 0
    assert _budgets(server, ids)[1] == 4400
    assert json.loads(run("status", "c1", "--json").stdout)[0]["waiting"] is None


def test_a_later_ask_that_waits_on_a_condition_is_said_not_done_with_the_command(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path, pair=True)
    body = json.loads(run("ask", "pause US 18-34 and raise US 35-54 by 10% if its CPA is under $20",
                          "--json").stdout)
    (note,) = [n for n in body["intent"]["notes"] if "US 35-54" in n]
    assert note.startswith("Not done") and "adpilot ask" in note, note
    card = run("ask", "pause US 18-34 and raise US 35-54 by 10% if its CPA is under $20",
               "--thread", "k1")
    assert "Not done" in said(card) and "adpilot ask" in said(card), card.output
    done = run("approve", "k1")
    assert done.exit_code == 0 and "approval needed" not in done.output, done.output
    row = json.loads(run("status", "k1", "--json").stdout)[0]
    assert "Not done" in row["status"] and row["waiting"] is None, row
    assert _budgets(server, ids)[1] == 4000


def test_ask_json_says_where_the_thread_stopped_like_every_command_and_its_card_was_shown(
        cli, tmp_path):
    # Found by a review: `ask --json` printed its own keys (no thread_id, no exit_code), and
    # an approve after it said the card "was never shown here".
    server, run = cli
    sdk_world(server, tmp_path, pair=True)
    out = run("ask", "move $4 a day from US 18-34 to US 35-54", "--thread", "m9", "--json")
    body = json.loads(out.stdout)
    assert {"thread_id", "phase", "waiting_for", "interrupt_id", "interrupt", "exit_code",
            "notes", "intent"} <= set(body)
    assert body["thread_id"] == "m9" and body["exit_code"] == out.exit_code == 0
    assert body["waiting_for"] == "approval"
    approved = run("approve", "m9")
    assert approved.exit_code == 0 and "never shown" not in approved.output, approved.output


def test_a_move_whose_cut_is_rejected_raises_nothing_and_says_so(cli, tmp_path):
    # Left by the move fix: approving only the raise dropped it with no word said.
    server, run = cli
    ids = sdk_world(server, tmp_path, pair=True)
    card = run("ask", "move $4 a day from US 18-34 to US 35-54", "--thread", "m7", "--json")
    actions = json.loads(card.stdout)["interrupt"]["action_requests"]
    cut = [i for i, a in enumerate(actions) if "USD 40.00 → USD 36.00" in a["description"]]
    decisions = [{"type": "reject", "message": "keep it"} if i in cut else {"type": "approve"}
                 for i in range(len(actions))]
    path = tmp_path / "d.json"
    path.write_text(json.dumps(decisions))
    answered = run("approve", "m7", "--decisions", str(path), "--json")
    assert _budgets(server, ids) == (4000, 4000)  # the raise alone would spend more
    assert "the other side of a budget move whose cut was rejected or refused" in \
        answered.stdout, answered.stdout
