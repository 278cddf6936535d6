"""The bottom layer: adpilot's data, Meta's rules, the money limits and local storage.

Imports nothing above it (tools, prompts, agents, graph) and no module here imports one that
imports it back. The plan modules stack `rules` ← `plan` (models, keys, loading) ←
`plan_targeting` ← `plan_checks` (`validate_plan`), and `plan` ← `meta_tree` (`to_meta_tree`).
The money modules stack `settings` ← `policy` (the one `Policy`) ← `context` (the run settings),
and `exposure`, `money`, `policy` ← `guardrails` (the money gate).
"""
