"""The request world of the router evals, and a rules-router call on it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from agents.orchestrator.routing import read_request
from state.intent import Intent

WORLD = json.loads((Path(__file__).resolve().parents[2] / "evals" / "datasets" /
                    "request_world.json").read_text(encoding="utf-8"))
TODAY = date(2026, 3, 18)


@pytest.fixture
def accounts() -> list[dict[str, Any]]:
    return WORLD["accounts"]


def ask(request: str, account: str | None = "act_1001", model: Any = None) -> Intent:
    return read_request(request, WORLD["accounts"], account=account, today=TODAY, model=model)
