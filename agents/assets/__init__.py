"""The asset agent: each distinct image and video uploaded once, earlier uploads reused.

- `nodes.py` — the `upload_assets` node;
- `checks.py` — local checks of an asset before any upload (kind, size, readable).

Imports `agents.common`, `tools`, `state`.
"""
