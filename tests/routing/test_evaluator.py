"""The router evaluator: labels score perfectly, writes on questions break the floors."""

from __future__ import annotations

from evals.router import FILES, load_rows, load_world, param_ok, score_router

PRESETS = load_world()["date_presets"]


def test_the_labels_themselves_score_everything_right():
    rows = load_rows(FILES["tuning"])
    by_request = {r["request"]: r for r in rows}

    def labels(request, catalog, account, today):
        r = by_request[request]
        return {"route": r["route"], "entities": r["entities"], "params": r["params"],
                "also": r.get("also", [])}

    report = score_router(labels, rows, load_world())
    assert report["route_accuracy"] == 1.0 and report["params_all_keys"] == 1.0
    assert report["entity_accuracy"] == 1.0 and not any(report["floors"].values())


def test_writes_for_questions_and_refusals_are_floors():
    rows = load_rows(FILES["tuning"])
    report = score_router(lambda *a, **k: {"route": "status", "entities": [], "params": {}},
                          rows, load_world())
    assert report["floors"]["question_writes"] == sum(r["route"] == "question" for r in rows)
    assert report["floors"]["refusal_writes"] == sum(r["route"] in ("clarify", "unsupported")
                                                     for r in rows)


def test_param_comparisons():
    assert param_ok("date_range", {"since": "2026-03-11", "until": "2026-03-17"},
                    {"date_range": {"preset": "last_7d"}}, PRESETS)
    assert not param_ok("date_range", {"preset": "maximum"},
                        {"date_range": {"since": None, "until": "2026-03-18"}}, PRESETS)
    assert param_ok("change", {"pct": -50}, {"change": {"factor": 0.5}}, PRESETS)
    assert param_ok("change", {"factor": 0.6667}, {"change": {"pct": -33.3}}, PRESETS)
    assert not param_ok("change", {"to_minor": 100}, {"change": {"to_minor": 101}}, PRESETS)
    assert param_ok("variant", "headline: Run far", {"variant": "HEADLINE: run far"}, PRESETS)
    assert param_ok("metrics", ["cpa", "roas"], {"metrics": ["roas", "cpa"]}, PRESETS)
    assert param_ok("breakdown", None, {}, PRESETS)
