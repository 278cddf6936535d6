"""Editing a pending plan as a marketer does (issue 18): export it, edit the JSON, approve the edit.

`adpilot plan THREAD --export FILE` writes the plan on the thread's launch card; `approve
--edit FILE` takes it back. The CLI runs in-process (Typer's runner) against a sandbox
server over HTTP.
"""

from __future__ import annotations

import json

from tests.launchkit import brief_for, objects, said, writes


def _listing(home):
    return sorted(p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm")))


def test_plan_export_writes_the_pending_launch_plan_and_nothing_else(cli, sample_images, home,
                                                                     tmp_path, monkeypatch):
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "e-1").exit_code == 0
    card = json.loads(run("status", "e-1", "--json").stdout)
    assert card[0]["waiting_for"] == "approval"
    before, sent = _listing(home), writes(server)
    monkeypatch.delenv("META_GRAPH_URL")  # a command that wanted Meta would start a sandbox
    monkeypatch.delenv("META_ACCESS_TOKEN")

    path = tmp_path / "plan.json"
    exported = run("plan", "e-1", "--export", str(path))
    assert exported.exit_code == 0, exported.output
    assert f"adpilot approve e-1 --edit {path}" in said(exported)
    assert "embedded sandbox" not in exported.output
    plan = json.loads(path.read_text())
    assert plan["ad_sets"][0]["ads"] and plan["budget"]["amount_minor"] == 6000
    to_stdout = run("plan", "e-1", "--export", "-")
    assert to_stdout.exit_code == 0 and json.loads(to_stdout.stdout) == plan
    assert _listing(home) == before and writes(server) == sent

    missing = run("plan", "nope", "--export", str(tmp_path / "x.json"))
    assert missing.exit_code == 2 and "no thread 'nope'" in said(missing)
    assert not (tmp_path / "x.json").exists()


def test_plan_export_of_a_thread_with_no_pending_launch_plan_exits_2(cli, sample_images, tmp_path):
    _server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "e-2").exit_code == 0
    assert run("approve", "e-2", "--reject", "not now").exit_code == 0
    ended = run("plan", "e-2", "--export", str(tmp_path / "plan.json"), "--json")
    assert ended.exit_code == 2, ended.output
    assert json.loads(ended.stdout)["error"] == (
        "thread e-2 has no pending launch plan: it is finished (`adpilot status e-2`)")
    assert not (tmp_path / "plan.json").exists()
    # After the launch the pending card is the activation card: no plan to edit there.
    assert run("run", brief_for(sample_images), "--thread", "e-3", "--yes").exit_code == 0
    activation = run("plan", "e-3", "--export", "-")
    assert activation.exit_code == 2 and "its card asks about something else" in said(activation)


def _export_edit_approve(run, thread, tmp_path, change):
    """Export the pending plan, change it as a person would, and approve the edit."""
    path = tmp_path / f"{thread}.json"
    assert run("plan", thread, "--export", str(path)).exit_code == 0
    plan = json.loads(path.read_text())
    change(plan)
    path.write_text(json.dumps(plan, indent=2))
    return run("approve", thread, "--edit", str(path))


def test_an_edit_re_derives_the_names_made_of_what_it_changed(cli, sample_images, tmp_path):
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "e-4").exit_code == 0

    def older(plan):
        plan["ad_sets"][0]["targeting"].update(age_min=30, age_max=50)

    edited = _export_edit_approve(run, "e-4", tmp_path, older)
    assert edited.exit_code == 0, edited.output
    assert "Ad set “US 30-50” —" in said(edited) and "Ad set “US 25-45”" not in said(edited)

    def renamed(plan):  # the person names the ad set: kept, whatever else changes
        plan["ad_sets"][0]["name"] = "Core runners"
        plan["ad_sets"][0]["targeting"].update(age_min=35)

    edited = _export_edit_approve(run, "e-4", tmp_path, renamed)
    assert edited.exit_code == 0, edited.output
    assert "Ad set “Core runners”" in said(edited)
    assert run("approve", "e-4").exit_code == 0
    names = [a["name"] for a in objects(server.url, "adset")]
    assert len(names) == 1 and names[0].startswith("Core runners"), names


def test_the_card_after_an_edit_says_what_changed_in_plain_words(cli, sample_images, tmp_path):
    _server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "e-5").exit_code == 0

    def edit(plan):
        plan["budget"]["amount_minor"] = 8000
        ad_set = plan["ad_sets"][0]
        ad_set["targeting"].update(age_min=30, age_max=50)
        ad_set["ads"][0]["creative"]["headline"] = "Run far"
        ad_set["promoted_object"]["custom_event_type"] = "ADD_TO_CART"  # no words for it

    edited = _export_edit_approve(run, "e-5", tmp_path, edit)
    assert edited.exit_code == 0, edited.output
    card = said(edited)
    assert "Changed by your edit" in card
    assert "• daily budget USD 60.00 → USD 80.00" in card
    assert ("• ad set “US 25-45” → “US 30-50” (renamed for the edited content): ages 25–45 → "
            "30–50; ad “Image 1: shoe_0.png”: headline “") in card
    assert "→ “Run far”" in card
    assert "• also changed: ad_sets[0].promoted_object.custom_event_type" in card

    unchanged = _export_edit_approve(run, "e-5", tmp_path, lambda plan: None)
    assert unchanged.exit_code == 0, unchanged.output
    assert "• nothing: the plan is as it was" in said(unchanged)


def _undated_brief(paths):
    """A brief with no dates: the plan launches on approval and runs until stopped."""
    return (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day. "
            f"Landing page https://shop.example.com/trail. "
            f"Use images {', '.join(str(p) for p in paths)}. Shop now.")


def test_a_lifetime_budget_edited_into_an_undated_plan_is_spread_from_the_launch(
        cli, sample_images, tmp_path):
    """Found by a review: with no start time the cards said "USD 1,500.00 a day"."""
    from datetime import timedelta

    from state.exposure import parse_time
    from tests.launchkit import admin

    server, run = cli
    assert run("run", _undated_brief(sample_images), "--thread", "e-6").exit_code == 0
    clock = parse_time(admin(server.url, "GET", "/__sandbox__/clock")["now"])
    end = (clock + timedelta(days=29) - timedelta(hours=1)).isoformat()

    def lifetime(plan):
        assert plan.get("start_time") is None
        plan["budget"].update(kind="lifetime", amount_minor=150000)
        plan["end_time"] = end

    edited = _export_edit_approve(run, "e-6", tmp_path, lifetime)
    assert edited.exit_code == 0, edited.output
    card = said(edited)
    assert ("Spend: USD 51.72 a day (up to USD 90.51 on a peak day); worst-case total "
            "USD 1,500.00") in card, card
    assert ", 29 days" in card and "USD 1,500.00 a day" not in card
    approved = run("approve", "e-6")
    assert approved.exit_code == 0, approved.output
    activation = said(approved)
    assert "USD 51.72 a day, at most USD 1,500.00 in all" in activation, activation


def test_a_bad_edit_is_not_applied_and_the_card_before_it_can_still_be_approved(
        cli, sample_images, tmp_path):
    """Found by a review: a refused edit became the pending card, and `approve` was refused."""
    server, run = cli
    started = run("run", brief_for(sample_images), "--thread", "e-7", "--json")
    assert started.exit_code == 0, started.output
    before = json.loads(started.stdout)["interrupt"]

    def over_the_cap(plan):
        plan["budget"]["amount_minor"] = 500_000  # USD 5,000 a day: above the policy's caps

    def ages_backwards(plan):
        plan["ad_sets"][0]["targeting"].update(age_min=70, age_max=45)

    def other_currency(plan):
        plan["currency"] = "EUR"

    for bad, field in ((over_the_cap, "plan.budget"), (ages_backwards, "age_max"),
                       (other_currency, "plan.currency")):
        refused = _export_edit_approve(run, "e-7", tmp_path, bad)
        assert refused.exit_code == 2, refused.output
        text = said(refused)
        assert "Last answer refused: edit not applied — " in text and field in text, text
        assert "— fix: " in text and "edit the file again: adpilot approve e-7 --edit FILE" in text
        assert "Your edit was not applied" in text
        assert "Spend: USD 60.00 a day" in text  # the card before the edit, as it was
        assert "Approve: adpilot approve e-7" in text
        pending = json.loads(run("resume", "e-7", "--json").stdout)["interrupt"]
        assert pending["action_requests"][0]["args"] == before["action_requests"][0]["args"]
        assert pending["receipt"] == before["receipt"]
        assert pending["review_configs"][0]["allowed_decisions"] == ["approve", "edit", "reject"]
    assert objects(server.url, "campaign") == []

    approved = run("approve", "e-7")
    assert approved.exit_code == 0, approved.output
    (campaign,) = objects(server.url, "campaign")
    assert int(campaign["daily_budget"]) == 6000  # the original plan launched, not an edit
    (ad_set,) = objects(server.url, "adset")
    assert (ad_set["targeting"]["age_min"], ad_set["targeting"]["age_max"]) == (25, 45)


def test_money_given_as_text_in_an_edited_plan_is_refused_and_the_card_stays(
        cli, sample_images, tmp_path):
    """Found by a review: `"amount_minor": "80"` launched at USD 0.80 a day."""
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "e-8").exit_code == 0

    def text_money(plan):
        plan["budget"]["amount_minor"] = "80"

    refused = _export_edit_approve(run, "e-8", tmp_path, text_money)
    assert refused.exit_code == 2, refused.output
    assert ("edit not applied — plan.budget.amount_minor: must be a whole number of minor "
            "units, e.g. 8000 for USD 80.00; the plan gives the text '80'") in said(refused)
    assert "edit the file again: adpilot approve e-8 --edit FILE" in said(refused)
    assert objects(server.url, "campaign") == []
    assert run("approve", "e-8").exit_code == 0
    (campaign,) = objects(server.url, "campaign")
    assert int(campaign["daily_budget"]) == 6000


def test_an_edit_that_leaves_an_image_alone_keeps_the_card_s_copy_and_says_so(
        cli, sample_images, tmp_path):
    """Found by a review: editing a headline silently re-pinned an image changed on disk."""
    import hashlib

    from PIL import Image

    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "e-9").exit_code == 0
    shown = hashlib.sha256(sample_images[0].read_bytes()).hexdigest()
    shown_md5 = hashlib.md5(sample_images[0].read_bytes()).hexdigest()  # noqa: S324 (Meta's hash)
    Image.new("RGB", (1080, 1080), (250, 250, 0)).save(sample_images[0])  # exported again
    now = hashlib.sha256(sample_images[0].read_bytes()).hexdigest()

    def headline(plan):
        plan["ad_sets"][0]["ads"][0]["creative"]["headline"] = "Run far"

    edited = _export_edit_approve(run, "e-9", tmp_path, headline)
    assert edited.exit_code == 0, edited.output
    card = said(edited)
    assert (f"• ad “Image 1: shoe_0.png”: image shoe_0.png changed on disk since the card (now "
            f"sha256 {now[:12]}); the card's copy (sha256 {shown[:12]}) still launches") in card
    assert f"shoe_0.png (sha256 {shown[:12]})" in card  # the asset column: the card's copy

    def take_the_new_file(plan):  # the person asks for the file as it is now
        del plan["ad_sets"][0]["ads"][0]["creative"]["assets"][0]["sha256"]

    retaken = _export_edit_approve(run, "e-9", tmp_path, take_the_new_file)
    assert retaken.exit_code == 0, retaken.output
    assert (f"• ad “Image 1: shoe_0.png”: image shoe_0.png changed on disk since the card: the "
            f"new file (sha256 {now[:12]}) will launch, not the card's copy (sha256 "
            f"{shown[:12]})") in said(retaken)
    assert run("approve", "e-9").exit_code == 0
    hashes = {i["hash"] for i in objects(server.url, "adimage")}
    assert hashlib.md5(sample_images[0].read_bytes()).hexdigest() in hashes  # noqa: S324
    assert shown_md5 not in hashes
