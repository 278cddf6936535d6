"""The seam to Meta (`meta_client.py`) and the plain functions per area that use it."""
