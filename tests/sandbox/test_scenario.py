import json
from datetime import datetime
from pathlib import Path

import pytest

from sandbox import delivery
from sandbox.fixtures import build_tree
from sandbox.scenario import (
    SCENARIO_DIR,
    ScenarioError,
    bundled,
    get_seed,
    init_store,
    load_scenario,
)
from sandbox.store import Store
from sandbox.truthview import truth_view

BUNDLED = ["awareness_jpy", "ecommerce_usd", "leadgen_eur"]


def test_the_three_documented_scenarios_are_bundled_and_load():
    assert set(BUNDLED) <= set(bundled())
    for name in BUNDLED:
        sc = load_scenario(name)
        assert sc.name == name
        assert sc.account.id.startswith("act_")
    assert load_scenario("awareness_jpy").currency == "JPY"
    assert load_scenario("leadgen_eur").conversion_event == "lead"
    assert load_scenario("ecommerce_usd").kpi == "conversions"


def test_init_store_creates_account_page_and_pixel_and_starts_the_clock():
    store = Store(":memory:")
    init_store(store, "leadgen_eur", 5)
    sc = load_scenario("leadgen_eur")
    acct = store.get_object(sc.account.id, "adaccount")
    assert acct["account_id"] == sc.account.id.removeprefix("act_")
    assert acct["currency"] == "EUR" and acct["timezone_name"] == "Europe/Berlin"
    assert acct["account_status"] == 1 and acct["amount_spent"] == "0"
    assert store.get_object(sc.page.id, "page")["name"] == sc.page.name
    pixel = store.get_object(sc.pixel.id, "adspixel")
    assert pixel["_parent_id"] == sc.account.id
    local = delivery.now(store).astimezone(sc.tz)
    assert local.date() == sc.start and local.hour == 0
    assert get_seed(store) == 5


def test_init_store_on_a_used_store_keeps_its_clock_and_seed():
    store = Store(":memory:")
    init_store(store, "ecommerce_usd", 1)
    delivery.advance(store, days=3)
    before = delivery.now(store)
    init_store(store, "ecommerce_usd", 99)
    assert get_seed(store) == 1
    assert (delivery.now(store) - before).total_seconds() < 5


def _write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    return str(path)


def _base() -> dict:
    return json.loads((SCENARIO_DIR / "ecommerce_usd.json").read_text())


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: d.update(currency="usd"), "currency"),
        (lambda d: d.update(timezone="Mars/Olympus"), "timezone"),
        (lambda d: d["truth"].pop("ctr"), "truth.ctr"),
        (lambda d: d["truth"]["cvr"].pop("concentration"), "truth.cvr"),
        (lambda d: d["account"].update(id="1234"), "account.id"),
        (lambda d: d.update(days=0), "days"),
        (lambda d: d.update(colour="blue"), "colour"),
    ],
)
def test_a_bad_scenario_file_names_the_field(tmp_path, mutate, needle):
    data = _base()
    mutate(data)
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, data))
    assert needle in str(err.value)
    assert "README" in str(err.value)


def test_unknown_scenario_name_lists_the_bundled_ones():
    with pytest.raises(ScenarioError, match="ecommerce_usd"):
        load_scenario("no_such_scenario")


def test_not_json_is_a_clear_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{nope")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_scenario(str(path))


def test_any_file_in_the_schema_works_and_fixed_truths_apply(tmp_path):
    data = _base()
    data["name"] = "custom"
    data["fixed"] = {
        "adsets": {"Set 1": {"cvr": 0.2, "cpm_minor": 500}},
        "ads": {"0.0": {"ctr": 0.05}},
    }
    store = Store(":memory:")
    init_store(store, load_scenario(_write(tmp_path, data)), 3)
    build_tree(store, adsets=2, ads=2)
    truth = truth_view(store)
    assert truth["scenario"] == "custom"
    set0, set1 = truth["adsets"]
    assert set1["cvr"] == pytest.approx(0.2) and set1["cpm"] == pytest.approx(500)
    assert set0["ads"][0]["ctr"] == pytest.approx(0.05)
    assert set0["ads"][1]["ctr"] != pytest.approx(0.05)
    delivery.advance(store, days=2)
    assert store.db["delivery_rows"].count > 0


def test_clock_start_is_local_midnight_in_the_scenario_zone():
    sc = load_scenario("awareness_jpy")
    start = sc.start_dt()
    assert start.utcoffset().total_seconds() == 9 * 3600
    assert isinstance(start, datetime)


@pytest.mark.parametrize("name", ["ecommerce_usd", "leadgen_eur", "awareness_jpy"])
def test_account_minimum_agrees_with_minimum_budgets_edge(name):
    # The account node's min_daily_budget and the minimum_budgets edge must tell the same story.
    from state.rules import minimum_budget_row

    scenario = load_scenario(name)
    assert scenario.account.min_daily_budget == minimum_budget_row(scenario.currency)["min_daily_budget_imp"]
