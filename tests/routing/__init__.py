"""Tests of the request router (agents/orchestrator/routing) and its evaluator (evals/router.py)."""
