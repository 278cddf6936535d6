"""The seam to Meta (`meta_client.py`) and the operations the agents run over it.

Launch, money gate, undo, kill switch, audit, asset checks, targeting search; no per-area layer.
"""
