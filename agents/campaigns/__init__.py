"""The campaign agent: the campaign and its ad sets created PAUSED, then the tree activated.

Imports `agents.common`, `agents.assets` (the uploaded assets), `agents.orchestrator.launch_gate`
(the money gate), `tools`, `state`.
"""
