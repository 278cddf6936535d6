"""Launch-side review of issue 15: what is refused before any write, and what stops a launch.

Integration tests use the real SDK client against the sandbox (`tests/tools/conftest.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from state.plan import audience_key, load_plan
from tests.tools.conftest import objects
from tests.tools.test_audience_launch import RECEIPT, customer_file, leads_plan, pixel_of, tree_of
from tools.customer_list import CustomerListError
from tools.launch import launch_tree
from tools.launch_prereqs import LaunchRefused

KINDS = ("customaudience", "campaign", "adset", "leadgen_form")


def lookalike_plan(folder: Path, pixel_id: str, rows: int) -> dict[str, Any]:
    """The leads plan with a list of `rows` valid customers and a lookalike seeded from it."""
    plan = leads_plan(folder, pixel_id)
    plan["audiences"][2]["file"] = str(customer_file(folder, rows))
    return plan


def counts(sandbox) -> dict[str, int]:
    return {k: len(objects(sandbox, k)) for k in KINDS}


def test_a_lookalike_on_a_list_under_100_rows_is_refused_before_any_write(
        client, account, sandbox, ledger, tmp_path):
    tree = tree_of(client, account, lookalike_plan(tmp_path, pixel_of(client), 40))
    before = counts(sandbox)
    with pytest.raises(LaunchRefused) as refused:
        launch_tree(client, tree, thread_id="t-small", receipt=RECEIPT)
    message = str(refused.value)
    assert "'lal_buyers'" in message and "'buyers'" in message
    assert "40 valid row(s)" in message and "at least 100" in message
    assert "Add customers to the file" in message and "Nothing was created" in message
    assert counts(sandbox) == before
    assert not [r for r in ledger.rows("t-small") if r["op"] != "read"]


def test_a_list_of_100_valid_rows_passes_the_local_check(client, account, sandbox, tmp_path):
    # 100 rows is Meta's minimum: the file check lets it through (the matched size decides)
    tree = tree_of(client, account, lookalike_plan(tmp_path, pixel_of(client), 100))
    result = launch_tree(client, tree, thread_id="t-100", receipt=RECEIPT)
    assert result.uploads and result.uploads[0]["rows_valid"] == 100


@pytest.mark.parametrize(("text", "message"), [
    ("first name,city\nAda,Paris\nBob,Rome\n", "no email or phone column"),
    ("email,phone\nnot-an-email,12\n,\n", "none of its 2 rows has a valid email or phone"),
])
def test_an_unusable_customer_file_creates_nothing(client, account, sandbox, ledger, tmp_path,
                                                   text, message):
    plan = leads_plan(tmp_path, pixel_of(client))
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    plan["audiences"][2]["file"] = str(bad)
    tree = tree_of(client, account, plan)
    before = counts(sandbox)
    with pytest.raises(CustomerListError, match=message):
        launch_tree(client, tree, thread_id="t-badfile", receipt=RECEIPT)
    assert counts(sandbox) == before
    assert not ledger.rows("t-badfile")


def test_a_list_that_matches_under_100_stops_before_the_lookalike(client, account, sandbox,
                                                                  tmp_path):
    # 130 valid rows pass the file check; the sandbox matches 55-70% of them (< 100 people)
    plan_dict = lookalike_plan(tmp_path, pixel_of(client), 130)
    plan = load_plan(plan_dict)
    tree = tree_of(client, account, plan_dict)
    campaigns = len(objects(sandbox, "campaign"))
    result = launch_tree(client, tree, thread_id="t-matched", receipt=RECEIPT)
    buyers, lal = (audience_key(plan, h) for h in ("buyers", "lal_buyers"))
    assert not result.ok and buyers in result.created
    failure = result.failed[lal]
    assert failure["kind"] == "SeedTooSmall"
    list_id = result.ids[buyers]
    assert list_id in failure["message"] and "at least 100" in failure["message"]
    assert "Ads Manager" in failure["message"] and "adpilot stop" in failure["message"]
    assert "resume" not in failure["message"]
    tagged = {o["id"]: o for o in objects(sandbox, "customaudience") if "[ap:" in str(o.get("name"))}
    assert list_id in tagged
    assert not [o for o in tagged.values() if o.get("subtype") == "LOOKALIKE"]
    assert len(objects(sandbox, "campaign")) == campaigns
    assert result.failed[tree["campaign"]["key"]]["kind"] == "NotSent"


@pytest.mark.parametrize(("thanks", "landing", "caught"), [
    ({"title": "Thanks"}, None, True),  # VIEW_WEBSITE by default, nowhere to go
    ({"title": "Thanks", "button_type": "DOWNLOAD"}, "https://shop.example.com/", True),
    ({"title": "Thanks"}, "https://shop.example.com/", False),  # the launch uses landing_url
    ({"title": "Thanks", "website_url": "https://shop.example.com/t"}, None, False),
    ({"title": "Thanks", "button_type": "CALL_BUSINESS", "business_phone_number": "+1650"},
     None, False),
])
def test_a_thank_you_button_without_a_website_is_caught_by_the_plan_check(thanks, landing,
                                                                          caught):
    from dataclasses import replace

    from state.plan_checks import validate_plan
    from tests.sandbox.test_capability_refusals import leads
    from tests.state.planfix import ACCOUNT, good_plan

    plan = leads(good_plan())
    plan["lead_form"]["thank_you_page"] = thanks
    plan["landing_url"] = landing
    for ad_set in plan["ad_sets"]:
        for ad in ad_set["ads"]:
            ad["creative"]["link"] = None
    report = validate_plan(plan, replace(ACCOUNT))
    hits = [p for p in report.problems if p.path == "lead_form.thank_you_page.website_url"]
    assert bool(hits) == caught, report.to_dict()
    if caught:
        assert "website_url" in hits[0].fix and "landing_url" in hits[0].fix


def test_the_card_says_what_a_customer_list_needs_without_reading_it(tmp_path):
    from agents.orchestrator.card import render_card
    from tests.agents.test_card_capabilities import AUDIENCES, plan

    p = plan(targeting={"custom_audiences": [{"key": "lal"}],
                        "excluded_custom_audiences": [{"key": "buyers"}]})
    p["audiences"] = [dict(a) for a in AUDIENCES]
    missing = tmp_path / "not-read.csv"  # never opened: the card has no counts from the file
    p["audiences"][1]["file"] = str(missing)
    card = render_card(p)
    assert ("size known after upload and matching; Meta needs about 20 matched people to "
            "deliver and at least 100 to seed a lookalike; phones without a country code need "
            "phone_country") in card
    p["audiences"][1]["phone_country"] = "US"
    card = render_card(p)
    assert "at least 100 to seed a lookalike" in card and "need phone_country" not in card
    assert not missing.exists()


def test_the_created_table_lists_audiences_and_lead_forms_by_kind_and_name(tmp_path):
    from rich.console import Console

    from graph.cli.console import created_table
    from state.plan import lead_form_key

    plan_dict = leads_plan(tmp_path, "123")
    plan = load_plan(plan_dict)
    buyers, lal = (audience_key(plan, h) for h in ("buyers", "lal_buyers"))
    created = {"campaign": "c1", "ad_sets": {"s" * 64: "s1"},
               "audiences": {buyers: "9001", lal: "9002"},
               "lead_forms": {lead_form_key(plan): "7001"}}

    def shown(plan_or_none: dict[str, Any] | None) -> str:
        out = Console(width=200, record=True)
        out.print(created_table(created, plan_or_none))
        return out.export_text()

    text = shown(plan_dict)
    assert "audience: customer list “Buyers”" in text and "9001" in text
    assert "audience: lookalike “LAL 1% buyers”" in text and "9002" in text
    assert "lead form “Spring form”" in text and "7001" in text
    assert buyers[:8] in text
    bare = shown(None)  # without the plan: the ids, each said to be an audience or a form
    assert bare.count("audience") == 2 and "lead form" in bare and "9002" in bare
