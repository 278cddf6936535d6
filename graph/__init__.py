"""The wiring: the LangGraph graph, its runner and run tracing, the `adpilot` CLI, the server."""
