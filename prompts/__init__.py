"""Text for models and people: the planner's prompts, copy templates, the optimise card, reports.

Templates only: every decision is code in the agents above or in `state` below, the only
package prompts imports.
"""
