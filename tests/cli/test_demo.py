"""`adpilot demo --yes`: plan, approval card, launch with progress, optimise cycles, report."""

import re

from typer.testing import CliRunner

from graph.cli import app


def _cards(out: str) -> list[str]:
    """Every printed approval card, box drawing and line wraps flattened to single spaces."""
    chunks = out.split("approval needed")[1:]
    return [re.sub(r"[│╭╮╰╯─\s]+", " ", c.split("receipt")[0]) for c in chunks]


def test_demo_runs_end_to_end_offline(home):
    result = CliRunner().invoke(app, ["demo", "--yes"], env={"COLUMNS": "160"})
    out = result.output
    assert result.exit_code == 0, out[-3000:]
    assert "using the embedded sandbox" in out
    assert "approval needed" in out and "--yes: launch approved" in out
    assert "created on Meta" in out and "launch" in out
    assert out.count("✓ decide_actions") >= 3

    cards = _cards(out)
    launch, optimise = cards[0], [c for c in cards if "Optimise cycle" in c]
    assert "Targets: CPA ≤ USD 40.00" in launch  # the brief's target, read from the plan
    assert "Experiment" not in " ".join(optimise)  # a sales campaign, not an A/B test
    # at least three optimise cycles raise a card, each action with its evidence
    # and expected effect; later cards judge what the earlier ones did.
    assert len(optimise) >= 3, [c[:80] for c in cards]
    for card in optimise:
        n = int(re.search(r"(\d+) action\(s\) to review", card).group(1))
        assert n >= 1
        assert card.count("Evidence:") == n and card.count("Expected effect:") == n
        assert "Targets: CPA ≤ USD 40.00" in card  # what the loop judges by, on every card
    judged = [c for c in optimise[1:] if "Did earlier actions work?" in c]
    assert judged and all(re.search(r"\b(improved|regressed|inconclusive)\b", c) for c in judged)
    assert out.count("--yes: optimise card approved") == len(cards) - 1  # incl. alert-led cards
    # A creative refresh: proposed with its variants, approved, launched, judged on a later card.
    proposed = next(i for i, c in enumerate(optimise) if "refresh_creative" in c)
    card = optimise[proposed]
    assert ("creative fatigue" in card or "paused as a clear loser" in card)  # either trigger
    assert "variant 1: headline “" in card
    assert "variant 2: headline “" in card and "switched on once approved" in card
    later = " ".join(optimise[proposed + 1:])
    assert re.search(r"refresh of “Image \d: trailblaze_\d\.png” on 2026-\d\d-\d\d: "
                     r"(improved|regressed|inconclusive) — new ads' CTR [\d.]+% vs [\d.]+% before",
                     later), later[:2000]

    reports = list((home / "reports").glob("*/report.md"))
    assert len(reports) == 1
    # The loop runs until the campaign ends: the report covers the whole 21-day flight.
    report = reports[0].read_text()
    assert re.search(r"has ended\. Over its 21 days \(\w{3} \d\d – \w{3} \d\d\) it spent", report)
    assert {p.name for p in reports[0].parent.glob("*.png")} == {
        "daily_spend_results.png", "cost_per_result.png", "spend_by_ad_set.png",
        "which_is_winning.png"}
    # The chart calls an ad set the best on its average cost, the loop cut that ad set's budget
    # by its marginal cost: the report says why, with the figures the loop's decision recorded.
    best = re.search(r"(US, CA \d\d-\d\d) is \d+% likely to be the best", report).group(1)
    assert re.search(rf"Why adpilot cut {best} although it leads on average cost per purchase "
                     r"\(USD [\d.]+ over this report\).* one more purchase there was estimated to "
                     r"cost about USD [\d.]+ at the margin .*, so adpilot moved money to US, CA "
                     r"\d\d-\d\d\.", report), report[:1500]
    # It ends saying how to open the dashboard on what it created.
    flat = re.sub(r"\s+", " ", out[out.rindex("done"):])
    assert f"ADPILOT_HOME={home.resolve()} adpilot web" in flat and "http://127.0.0.1:8765/" in flat
