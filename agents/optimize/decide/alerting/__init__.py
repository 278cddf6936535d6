"""The alert rules (`rules.py`) and their statistics (`stats.py`): pure, like the rest of `decide`.

Alerts judge a campaign between optimise cycles (a spike, a stall, a burn with no result); they
are kept apart from the cycle's decisions so each package stays small enough to read.
"""
