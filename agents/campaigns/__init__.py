"""The campaign agent: the campaign and its ad sets created PAUSED, then the tree activated.

Imports `agents.common`, `tools`, `state`.
"""
