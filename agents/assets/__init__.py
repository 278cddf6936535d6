"""The asset agent: each distinct image and video uploaded once, earlier uploads reused.

- `nodes.py` — the `upload_assets` node. The local checks of an asset (kind, size, readable)
  are `tools/asset_checks.py`, shared with the orchestrator's validation.

Imports `agents.common`, `agents.orchestrator.launch_gate` (the money gate before the first
write), `tools`, `state`.
"""
