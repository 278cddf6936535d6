"""The ad-creation agent: creatives and ads of the approved plan, batched, under the created ad sets.

Imports `agents.common`, `agents.campaigns` (the launcher and the Meta tree it built), `state`.
"""
