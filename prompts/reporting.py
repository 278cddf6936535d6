"""Prompt and templates for the performance report's narrative.

The model (when one is configured) only writes prose around figures adpilot computed; it is
told to use no number that is not in the facts. Without a model the template says the same.
"""

NARRATIVE_SYSTEM = """\
You write the executive summary of a Meta advertising performance report for a busy marketer.

# Rules
- Use only the facts given below. Never invent numbers, names or causes.
- Four to six sentences, plain words, no bullet points, no headings.
- Say how the campaign did against its target, which ad set and ad did best and worst, what
  adpilot changed and whether those changes worked, and what to watch next.
"""

NARRATIVE_USER = """\
# Facts (JSON)
{facts}
"""

TEMPLATE = (
    "Over {days} day(s) “{campaign}” spent {spend} and brought {conversions} {kpi_label}"
    "{cpa_clause}. {best_clause}{worst_clause}adpilot applied {n_actions} action(s){judged_clause}. "
    "{experiment_clause}{watch_clause}"
)
