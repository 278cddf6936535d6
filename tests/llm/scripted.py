"""Scripted chat models and drafts for LLM-planner tests (also for the graph's launch tests).

`ScriptedChatModel` is a `GenericFakeChatModel` whose `bind_tools` records the tools and
returns itself, so `with_structured_output(...)` works: each scripted reply is an AIMessage
whose tool call carries a draft. It records every message list it was called with.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

VALID_DRAFT: dict[str, Any] = {
    "name": "Trail shoes spring sale",
    "objective": "OUTCOME_SALES",
    "special_ad_categories": [],
    "budget_amount": 60,
    "budget_currency": "USD",
    "budget_kind": "daily",
    "start_date": None,
    "end_date": None,
    "duration_days": None,
    "landing_url": "https://example.com/trail",
    "advertiser": None,
    "go_live": False,
    "optimise_for": None,
    "ad_sets": [
        {
            "name": "US women 25-45 runners",
            "countries": ["US"],
            "country_groups": [],
            "regions": [],
            "cities": [],
            "excluded_countries": [],
            "excluded_regions": [],
            "excluded_cities": [],
            "age_min": 25,
            "age_max": 45,
            "genders": "female",
            "languages": [],
            "interests": ["Running"],
            "excluded_interests": [],
            "platforms": [],
            "facebook_positions": [],
            "instagram_positions": [],
            "ads": [
                {"name": f"Headline {v}", "creative": {
                    "format": "image",
                    "primary_text": "Grip that holds on every trail. Free returns.",
                    "headline": headline,
                    "description": None,
                    "call_to_action": "SHOP_NOW",
                    "assets": ["shoe.jpg"],
                }}
                for v, headline in (("A", "Run further, slip less"), ("B", "Trail shoes, 20% off"))
            ],
        }
    ],
    "missing": [],
    "not_understood": [],
    "unsupported": [],
    "ambiguous": [],
    "conflicts": [],
    "invalid": [],
    "adjustments": [],
}


def draft(**changes: Any) -> dict[str, Any]:
    """A deep copy of VALID_DRAFT with top-level `changes` applied."""
    out = copy.deepcopy(VALID_DRAFT)
    out.update(changes)
    return out


def ad_set(d: dict[str, Any], i: int = 0, **changes: Any) -> dict[str, Any]:
    """`d` with `changes` applied to its ad set `i` (a deep copy)."""
    out = copy.deepcopy(d)
    out["ad_sets"][i].update(changes)
    return out


def with_assets(d: dict[str, Any], *paths: str) -> dict[str, Any]:
    """`d` with every ad's assets replaced by `paths`."""
    out = copy.deepcopy(d)
    for ad_set in out["ad_sets"]:
        for ad in ad_set["ads"]:
            ad["creative"]["assets"] = list(paths)
    return out


class ScriptedChatModel(GenericFakeChatModel):
    """Replies with the scripted drafts (as structured-output tool calls), in order."""

    drafts: list[Any]
    calls: list[list[BaseMessage]] = []
    bound_tools: list[Any] = []
    bound_kwargs: list[dict[str, Any]] = []
    messages: Iterator[AIMessage] = iter([])  # unused; GenericFakeChatModel requires it

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        self.bound_tools = list(tools)
        self.bound_kwargs.append(kwargs)
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        if not self.drafts:
            raise AssertionError("ScriptedChatModel: no scripted reply left")
        reply = self.drafts.pop(0)
        name = (self.bound_tools[0].get("title") if self.bound_tools and isinstance(self.bound_tools[0], dict)
                else "DraftPlan")
        if isinstance(reply, str):  # a broken reply: plain text, no tool call
            message = AIMessage(content=reply)
        else:
            message = AIMessage(content="", tool_calls=[
                {"name": name, "args": reply, "id": f"call_{len(self.calls)}", "type": "tool_call"}])
        return ChatResult(generations=[ChatGeneration(message=message)])


def scripted_model(*drafts: Any) -> ScriptedChatModel:
    """A fresh ScriptedChatModel replying with `drafts` (dicts, or strings for broken replies)."""
    return ScriptedChatModel(drafts=[copy.deepcopy(d) for d in drafts], calls=[], bound_tools=[],
                             bound_kwargs=[])


def openai_reply(d: dict[str, Any]) -> str:
    """A draft as the JSON text an OpenAI structured-output reply carries."""
    return json.dumps(d)
