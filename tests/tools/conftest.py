"""Fixtures for the Meta seam: clients on the root `sandbox` fixture, accounts, faults, images."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import requests
from PIL import Image

from state.ledger import Ledger
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"


@pytest.fixture
def account(sandbox) -> dict[str, str]:
    """The sandbox's ad account and page ids."""
    acc = requests.get(f"{sandbox.url}/me/adaccounts", params={"access_token": TOKEN}, timeout=10)
    page = requests.get(f"{sandbox.url}/me/accounts", params={"access_token": TOKEN}, timeout=10)
    return {"account_id": acc.json()["data"][0]["id"], "page_id": page.json()["data"][0]["id"]}


@pytest.fixture
def ledger(tmp_path) -> Ledger:
    return Ledger(tmp_path / "ledger.db")


@pytest.fixture
def make_client(sandbox, account, ledger) -> Callable[..., MetaClient]:
    """Build clients on the sandbox with fast retries (tests must stay quick)."""

    def make(**kw: Any) -> MetaClient:
        settings = {"graph_url": kw.pop("graph_url", sandbox.url), **account}
        kw.setdefault("token", TOKEN)
        kw.setdefault("ledger", ledger)
        kw.setdefault("thread_id", "t-test")
        kw.setdefault("retry_initial_s", 0.01)
        kw.setdefault("retry_max_s", 0.05)
        return MetaClient(settings, **kw)

    return make


@pytest.fixture
def client(make_client) -> MetaClient:
    return make_client()


@pytest.fixture
def faults(sandbox) -> Callable[..., dict[str, Any]]:
    """Set the sandbox's fault rates; reset to none after the test."""

    def set_faults(**rates: Any) -> dict[str, Any]:
        return sandbox.admin("POST", "/__sandbox__/faults", {"seed": 7, **rates})

    yield set_faults
    sandbox.admin("POST", "/__sandbox__/faults", {"latency_ms": 0, "transient": 0,
                                                  "throttle": 0, "lost_response": 0})


def jpeg(seed: int = 0, size: int = 1080) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), ((seed * 37) % 256, (seed * 91) % 256, 120)).save(buf, "JPEG")
    return buf.getvalue()


def sandbox_stats(sandbox) -> dict[str, Any]:
    """The sandbox's counters since the last reset, minus the stats reads themselves."""
    first = sandbox.admin("GET", "/__sandbox__/stats")
    second = sandbox.admin("GET", "/__sandbox__/stats")
    own = second["http_requests"] - first["http_requests"]  # 1 if admin reads are counted
    return {**first, "http_requests": first["http_requests"] - own}


def objects(sandbox, kind: str) -> list[dict[str, Any]]:
    """Every stored object of a type (incl. deleted), straight from the sandbox."""
    body = sandbox.admin("GET", f"/__sandbox__/objects?type={kind}")
    return body.get("data", body) if isinstance(body, dict) else body


def campaign_params(name: str = "Test campaign") -> dict[str, Any]:
    return {"name": name, "objective": "OUTCOME_TRAFFIC", "special_ad_categories": [],
            "status": "PAUSED", "is_adset_budget_sharing_enabled": False}


def adset_params(name: str = "Test set") -> dict[str, Any]:
    return {"name": name, "daily_budget": 2000, "billing_event": "IMPRESSIONS",
            "optimization_goal": "LINK_CLICKS", "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
            "status": "PAUSED",
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 18, "age_max": 65}}


def creative_params(page_id: str, image_hash: str, name: str = "Test creative") -> dict[str, Any]:
    link = "https://example.com/p"
    return {"name": name, "object_story_spec": {"page_id": page_id, "link_data": {
        "link": link, "message": "Hello", "image_hash": image_hash, "name": "Shop",
        "call_to_action": {"type": "SHOP_NOW", "value": {"link": link}}}}}



def copy_action(ad_id: str, status_option: str = "PAUSED") -> Any:
    """The typed copy of an ad (`POST /{ad_id}/copies`), what the money gate judges for it."""
    from state.guardrails import MoneyAction

    return MoneyAction.model_validate({
        "kind": "copy", "name": "duplicate_ad", "policy_kind": "duplicate_ad",
        "object_id": str(ad_id), "object_type": "ad", "status_option": status_option})
