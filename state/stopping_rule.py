"""An A/B test's stopping rule, read one way for the launch card and for the optimise loop.

`stopping_rule(raw)` normalises a declared rule (dict or sentence) to `DEFAULT_RULE`'s keys:
`probability` (or `threshold`, `confidence`, `prob_best`, `p_best`; default 0.95), `min_days`
(or `minimum_days`; 7), `max_days` (or `maximum_days`, `days`; 21), `min_conversions` (or
`min_events`, `min_results`; 0). A string such as "P(best) >= 0.9 after 5 days, at most 14
days" is read too. The card (`agents/orchestrator/card_experiment.py`) says the rule the loop
(`agents/optimize/experiments.py`) will apply, so both read it here. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

DEFAULT_RULE = {"probability": 0.95, "min_days": 7, "max_days": 21, "min_conversions": 0}


def stopping_rule(raw: Any) -> dict[str, float]:
    """Normalise a declared stopping rule (dict or sentence) to DEFAULT_RULE's keys."""
    rule = dict(DEFAULT_RULE)
    if isinstance(raw, dict):
        for key, names in {
            "probability": ("probability", "threshold", "confidence", "prob_best", "p_best"),
            "min_days": ("min_days", "minimum_days"),
            "max_days": ("max_days", "maximum_days", "days"),
            "min_conversions": ("min_conversions", "min_events", "min_results"),
        }.items():
            for name in names:
                if raw.get(name) is not None:
                    rule[key] = float(raw[name])
                    break
    elif isinstance(raw, str):
        if m := re.search(r"(0?\.\d+|\d{2})\s*%?", raw):
            value = float(m.group(1))
            rule["probability"] = value / 100 if value > 1 else value
        if m := re.search(r"after\s+(\d+)\s+days?", raw):
            rule["min_days"] = float(m.group(1))
        if m := re.search(r"(?:at most|max(?:imum)?|up to)\s+(\d+)\s+days?", raw):
            rule["max_days"] = float(m.group(1))
    if not 0.5 <= rule["probability"] < 1:
        raise ValueError("experiment.stopping_rule.probability must be in [0.5, 1), e.g. 0.95")
    return rule
