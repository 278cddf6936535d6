"""Prompt and templates for the performance report's narrative.

The model (when one is configured) only writes prose around figures adpilot computed; it is
told to use no number that is not in the facts. Without a model the template says the same.
`{results}` is the campaign's results in words ("7 leads", "USD 310.00 of purchase value").
"""

NARRATIVE_SYSTEM = """\
You write the executive summary of a Meta advertising performance report for a busy marketer.

# Rules
- Use only the facts given below. Never invent numbers, names or causes.
- Four to six sentences, plain words, no bullet points, no headings.
- Name results as the facts do ("leads", "conversations started", "purchase value"), never as
  "conversions"; where `results_by_goal` lists ad sets with different results, say each one's
  in its own words. For purchase value, say the value and the ROAS, not a cost per result.
- Say how the campaign did against its target, which ad set and ad did best and worst, what
  adpilot changed and whether those changes worked, and what to watch next.
"""

NARRATIVE_USER = """\
# Facts (JSON)
{facts}
"""

TEMPLATE = (
    "Over {days} day(s) “{campaign}” spent {spend} and brought {results}"
    "{cpa_clause}. {best_clause}{worst_clause}adpilot applied {n_actions} action(s){judged_clause}. "
    "{experiment_clause}{watch_clause}"
)
