"""Whatever a marketer types, the rules planner answers with a result, never a crash."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from state.plan import load_plan

D = PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2))
WORDS = ["sell", "shoes", "$60/day", "€1.500", "total", "for", "two", "weeks", "in", "Berlin",
         "US", "women", "25-45", "over", "30", "A/B", "test", "vs", "carousel", "a.jpg",
         "https://x.example.com", "leads", "CTA:", "Shop Now", "until", "March 3", "-", "¥8000",
         "within", "10", "miles", "of", "Austin", "hiring", "stories", "and", "reels", ",", "."]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=30), st.text(max_size=40))
def test_any_brief_gives_a_result_and_a_loadable_plan(words, noise):
    result = plan_brief(" ".join(words) + " " + noise, D)
    assert isinstance(result.questions, list) and isinstance(result.not_understood, list)
    assert not any(p["path"] == "plan" for p in result.problems), result.problems
    if result.plan is not None:
        load_plan(result.plan)
