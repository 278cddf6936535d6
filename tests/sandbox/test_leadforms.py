"""Instant forms and page fields in the sandbox, over HTTP with the real SDK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.leadgenform import LeadgenForm
from facebook_business.adobjects.page import Page
from facebook_business.exceptions import FacebookRequestError

from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api

FORM_FIELDS = ["name", "status", "questions", "privacy_policy_url", "thank_you_page", "locale",
               "follow_up_action_url", "block_display_for_non_targeted_viewer", "created_time",
               "page_id"]


def form_params(**over: Any) -> dict[str, Any]:
    return {
        "name": "Quote request",
        "questions": [{"type": "FULL_NAME"}, {"type": "EMAIL"},
                      {"type": "CUSTOM", "key": "budget", "label": "What is your budget?",
                       "options": [{"value": "Under $1k", "key": "low"},
                                   {"value": "$1k or more", "key": "high"}]}],
        "privacy_policy": {"url": "https://example.com/privacy", "link_text": "Our privacy policy"},
        "thank_you_page": {"title": "Thanks!", "body": "We will call you within a day.",
                           "button_type": "VIEW_WEBSITE", "website_url": "https://example.com"},
        "locale": "EN_US",
        "follow_up_action_url": "https://example.com/after",
        "block_display_for_non_targeted_viewer": True,
        **over,
    }


@pytest.fixture
def page(sandbox: SandboxServer, fb_api: Any) -> Page:
    assert sandbox.store is not None
    return Page(str(sandbox.store.list_objects("page")[0]["id"]), api=fb_api)


def refusal(call: Any) -> dict[str, Any]:
    with pytest.raises(FacebookRequestError) as info:
        call()
    return info.value.body()["error"]


def test_form_is_created_read_back_and_listed(page: Page, fb_api: Any) -> None:
    made = page.create_lead_gen_form(params=form_params())
    form = LeadgenForm(made["id"], api=fb_api).api_get(fields=FORM_FIELDS)
    assert form["name"] == "Quote request" and form["status"] == "ACTIVE"
    assert form["page_id"] == page.get_id() and form["locale"] == "EN_US"
    assert form["privacy_policy_url"] == "https://example.com/privacy"
    assert [(q["key"], q["type"]) for q in form["questions"]] == [
        ("full_name", "FULL_NAME"), ("email", "EMAIL"), ("budget", "CUSTOM")]
    assert form["questions"][2]["label"] == "What is your budget?"
    assert [o["key"] for o in form["questions"][2]["options"]] == ["low", "high"]
    assert form["thank_you_page"]["website_url"] == "https://example.com"
    assert form["block_display_for_non_targeted_viewer"] is True
    second = page.create_lead_gen_form(params=form_params(name="Second"))
    listed = list(page.get_lead_gen_forms(fields=["name", "status"]))
    assert [f["id"] for f in listed] == [second["id"], made["id"]]  # newest first


def test_form_status_changes_but_content_does_not(page: Page, fb_api: Any) -> None:
    made = page.create_lead_gen_form(params=form_params())
    form = LeadgenForm(made["id"], api=fb_api)
    form.api_update(params={"status": "ARCHIVED"})
    assert form.api_get(fields=["status"])["status"] == "ARCHIVED"
    err = refusal(lambda: fb_api.call("POST", (made["id"],), {"name": "Renamed"}))
    assert err["code"] == 100 and "create a new form" in err["error_user_msg"]
    form.api_update(params={"status": "DELETED"})
    assert list(page.get_lead_gen_forms()) == []


@pytest.mark.parametrize(
    ("over", "says"),
    [
        ({"privacy_policy": None}, "privacy_policy is required"),
        ({"questions": []}, "questions is required"),
        ({"questions": [{"type": "CUSTOM", "key": "q"}]}, "needs a label"),
        ({"questions": [{"type": "SHOE_SIZE"}]}, "not a lead form question type"),
        ({"questions": [{"type": "EMAIL"}, {"type": "EMAIL"}]}, "repeats an earlier"),
        ({"privacy_policy": {"url": "https://example.com/p", "link_text": "x" * 71}},
         "at most 70"),
        ({"privacy_policy": {"url": "example dot com"}}, "full http(s) URL"),
        ({"thank_you_page": {"title": "Thanks", "button_type": "VIEW_WEBSITE"}},
         "website_url is required"),
        ({"thank_you_page": {"title": "Thanks", "button_type": "DANCE"}}, "button_type"),
        ({"locale": "KLINGON"}, "not a lead form locale"),
        ({"name": ""}, "name is required"),
    ],
)
def test_form_refusals(page: Page, fb_api: Any, over: dict[str, Any], says: str) -> None:
    params = {k: v for k, v in form_params(**over).items() if v is not None}
    # plain calls: the SDK only warns about values it would not send itself
    err = refusal(lambda: fb_api.call("POST", (page.get_id(), "leadgen_forms"), params))
    assert err["code"] == 100 and says in err["error_user_msg"]
    assert list(page.get_lead_gen_forms()) == []


def test_validate_only_checks_without_creating(page: Page, fb_api: Any) -> None:
    answer = fb_api.call("POST", (page.get_id(), "leadgen_forms"),
                         {**form_params(), "execution_options": ["validate_only"]}).json()
    assert answer == {"success": True}
    assert list(page.get_lead_gen_forms()) == []


def test_page_has_whatsapp_and_instagram_unless_the_scenario_leaves_them_out(
    page: Page, fb_api: Any, tmp_path: Path
) -> None:
    doc = page.api_get(fields=["name", "whatsapp_number", "instagram_business_account"])
    assert doc["whatsapp_number"].startswith("+")
    assert doc["instagram_business_account"]["id"].isdigit()
    ig = fb_api.call("GET", (doc["instagram_business_account"]["id"],),
                     {"fields": "username,name"}).json()
    assert ig["username"] and ig["name"] == doc["name"]
    data = load_scenario("ecommerce_usd").model_dump(mode="json")
    data["page"].update(whatsapp_number=None, instagram_business_account=None)
    path = tmp_path / "no_links.json"
    path.write_text(json.dumps(data))
    with SandboxServer(tmp_path / "nl.db", scenario=str(path), token=SANDBOX_TOKEN) as sb:
        bare = Page(page.get_id(), api=make_api(sb.url)).api_get(
            fields=["name", "whatsapp_number", "instagram_business_account"])
    assert set(bare) == {"id", "name"}
