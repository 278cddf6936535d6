"""The creative refresh inside the optimise loop: its history, its card's variants, its launch.

The decision that an ad needs a refresh is pure (`agents/optimize/decide/refresh.py`); this
module is the loop's I/O around it, called by `agents/optimize/cycle.py`:

- `refreshes_of(applied)` — the loop's applied refreshes as `evidence["refreshes"]` (the
  decisions leave an ad and its ad set alone for a while after one).
- `fill_refreshes(client, actions, ctx=, campaign_id=)` — every proposed `refresh_creative`
  gets its concrete variants from the ad-creation agent (`agents/ads/refresh.py`: the tired
  ad's creative read from Meta, copy from the model configured in `ctx.model` with
  `ADPILOT_HOME/brand.md`, or from templates), before the card is written. Reads only.
- `apply_refreshes(client, approved, ...)` — each approved (or edited) refresh launched by
  `agents/ads/refresh_apply.py::apply_refresh`; an edit or a Meta state that does not match
  the card is refused naming the field (ledgered, nothing written), a gate refusal is
  returned with the cap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.common import home_of
from agents.optimize.decide.refresh import REFRESH_ACTION
from state.guardrails import Refusal
from tools.money import record_malformed


def refreshes_of(applied: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Return the applied refreshes as the decisions read them (`evidence["refreshes"]`)."""
    out = []
    for a in applied or []:
        if a.get("name") != REFRESH_ACTION or a.get("advice") or \
                a.get("status") not in ("applied", "partial", "mismatch"):
            continue
        created = a.get("created") or {}
        args = a.get("args") or {}
        out.append({"ad_id": str(args.get("ad_id")), "adset_id": str(args.get("adset_id")),
                    "date": str(a.get("applied_date") or a.get("applied_at") or "")[:10],
                    "ad_ids": [str(i) for i in created.get("ad_ids") or []]})
    return out


def fill_refreshes(client: Any, actions: list[dict[str, Any]], *, ctx: Any,
                   campaign_id: str) -> list[dict[str, Any]]:
    """Return `actions` with every `refresh_creative` proposal's variants filled in."""
    if not any(a.get("name") == REFRESH_ACTION and not a.get("advice") for a in actions):
        return actions
    from agents.ads.refresh import fill_refresh

    account = str(client._account())
    model = getattr(ctx, "model", None)
    home = home_of(ctx)
    return [fill_refresh(client, a, account_id=account, campaign_id=campaign_id, model=model,
                         home=home)
            if a.get("name") == REFRESH_ACTION and not a.get("advice") else a
            for a in actions]


def image_roots(ctx: Any) -> list[Path]:
    """Return where an edited refresh may read a new image file.

    The operator's asset folder (the CLI's working directory) and ADPILOT_HOME/downloads, as
    for an A/B test's image.
    """
    assets = getattr(getattr(ctx, "assets", None), "roots", None)
    return [Path(next(iter(assets or ()), None) or Path.cwd()), home_of(ctx) / "downloads"]


def apply_refreshes(client: Any, chosen: Sequence[dict[str, Any]], *, policy: Any,
                    receipt: str | None, now: datetime, first_index: int,
                    roots: list[Path] | None = None
                    ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]]]:
    """Launch each approved refresh among `chosen`; return ((action, result) applied, refusals).

    `chosen` are the card's approved actions, args as approved or edited; an edited one keeps
    the card's own args in `card_args`. Refusals are numbered from `first_index`.
    """
    from agents.ads.refresh_apply import RefreshArgsError, apply_refresh

    done: list[tuple[dict[str, Any], dict[str, Any]]] = []
    refusals: list[dict[str, Any]] = []
    approved = [a for a in chosen if a.get("name") == REFRESH_ACTION and not a.get("advice")]
    for n, action in enumerate(approved):
        card_args = action.get("card_args", action.get("args"))
        campaign = str((action.get("target") or {}).get("campaign_id") or "") or None
        try:
            result = apply_refresh(client, action["args"], card_args=card_args,
                                   policy=policy, receipt=receipt, now=now,
                                   campaign_id=campaign, image_roots=roots)
        except RefreshArgsError as exc:
            refusal = Refusal(first_index + n, REFRESH_ACTION, "action", exc.field, None,
                              f"Refused: {exc}. Nothing was sent.", None)
            record_malformed(client, action, refusal, receipt=receipt)
            refusals.append(refusal.as_dict())
            continue
        if result["status"] == "refused":
            refusals += list(result["refusals"])
            continue
        refusals += list(result["refusals"])
        done.append((action, result))
    return done, refusals
