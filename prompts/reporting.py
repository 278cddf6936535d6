"""Prompt and templates for the performance report's narrative.

The model (when one is configured) only writes prose around figures adpilot computed; it is
told to use no number that is not in the facts. Without a model the summary is built from the
same facts, a sentence at a time (`agents/insights/report_text.py`).
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
- `delivery.state` says whether the campaign is live, paused, scheduled (not started yet) or
  ended: say so first when it is not live, and give no advice meant for a running campaign.
- When `experiment` is given, say its `headline` and `advice` in plain words (no statistics
  jargon: "87% likely to be better", not "posterior probability").
- When `best_chance` (or `experiment`) has a `note`, adpilot cut the budget of the ad set the
  comparison calls the best: say why in the note's words and figures (the average against the
  marginal cost), so the reader does not take the two for a contradiction.
- Money is already in words with its currency ("USD 40.00"); `*_minor` fields are minor units
  (cents): never quote them.
"""

NARRATIVE_USER = """\
# Facts (JSON)
{facts}
"""

# The template summary's last sentence, for a campaign that is live and delivering.
WATCH = "Watch frequency and CTR for creative fatigue as the campaign ages."
