"""Hypothesis fuzzing: bad plans and images never crash and always get a clear error.

"Clear" = the finding names a field path, says what is wrong and how to fix it. Counts:
plans 200, images 80 (plus briefs and resume values in test_fuzz_graph.py).
"""

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from state.plan import PlanError, load_plan
from state.plan_checks import AccountInfo, validate_plan
from tools.asset_checks import check_image

from .strategies import image_files, plans

ACCOUNT = AccountInfo(currency="USD", account_id="act_1", page_id="1", pixel_id="555")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck),
                derandomize=True)


def _clear(problem) -> None:
    d = problem if isinstance(problem, dict) else problem.to_dict()
    assert str(d["path"]).strip(), d
    assert str(d["message"]).strip(), d
    assert str(d["fix"]).strip(), d


@FUZZ
@given(plans())
def test_fuzzed_plans_get_field_named_problems_never_a_crash(doc):
    report = validate_plan(doc, ACCOUNT)
    for p in report.problems + report.warnings:
        _clear(p)
    try:
        load_plan(doc)
    except PlanError as exc:
        assert exc.problems, "a PlanError must list at least one problem"
        for p in exc.problems:
            _clear(p)
        assert not report.ok, "validate_plan must report what load_plan refuses"


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(image_files())
def test_fuzzed_images_are_checked_without_crashing(tmp_path_factory, data):
    path = Path(tmp_path_factory.mktemp("img")) / "asset.bin"
    path.write_bytes(data)
    problems, warnings = check_image("ad_sets[0].ads[0].creative.assets[0]", path, {})
    for p in problems + warnings:
        _clear(p)
        assert p["path"].startswith("ad_sets[0].ads[0].creative.assets[0]")
    if not data:
        assert problems, "an empty file must be a problem"
