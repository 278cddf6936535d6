"""The ad-creation agent: creatives and ads of the approved plan, batched, under the created ad sets.

Imports `agents.common`, `tools`, `state`.
"""
