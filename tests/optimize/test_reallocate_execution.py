"""How `execute_approved` funds a reallocation's raises (`cycle._reallocate`): lifetime budgets
in their daily equivalents, money parked by paused ad sets, refused cuts freeing nothing."""

from __future__ import annotations

from agents.optimize.cycle import _reallocate
from state.money import MoneyAction


def _move(adset: str, before_daily: int, after_daily: int, *, lifetime: int | None = None,
          days_left: int = 10, parked: int = 0) -> tuple[dict, MoneyAction]:
    ev: dict = {"before_daily_minor": before_daily, "after_daily_minor": after_daily}
    if lifetime is None:
        args = {"adset_id": adset, "daily_budget": after_daily}
        ev.update(before_minor=before_daily, after_minor=after_daily)
    else:
        after = lifetime + (after_daily - before_daily) * days_left
        args = {"adset_id": adset, "lifetime_budget": after}
        ev.update(before_minor=lifetime, after_minor=after, days_left=days_left)
    if parked:
        ev["parked_minor"] = parked
    action = {"name": "set_adset_budget", "args": args, "evidence": ev, "group": "reallocation"}
    return action, MoneyAction.from_action("set_adset_budget", args)


def _run(moves, refused=frozenset()):
    writes = [m[0] for m in moves]
    typed = {i: m[1] for i, m in enumerate(moves)}
    return _reallocate(writes, typed, set(refused))


def test_a_lifetime_raise_funded_by_a_lifetime_cut_is_kept_whole():
    out = _run([_move("up", 10000, 12000, lifetime=280000),
                _move("down", 10000, 8000, lifetime=280000)])
    assert out[0].lifetime_budget == 300000 and out[1].lifetime_budget == 260000


def test_a_lifetime_raise_is_shrunk_to_a_smaller_cut_in_lifetime_units():
    out = _run([_move("up", 10000, 12000, lifetime=280000),
                _move("down", 10000, 9000, days_left=10)])  # a daily cut frees 1,000 a day
    assert out[0].lifetime_budget == 280000 + 1000 * 10


def test_a_refused_cut_frees_nothing_and_parked_money_does():
    moves = [_move("up", 10000, 12000), _move("down", 10000, 8000)]
    assert 0 not in _run(moves, refused={1})  # the raise had no funding left: not applied
    parked = [_move("up", 10000, 12000, parked=1500), _move("down", 10000, 8000, parked=1500)]
    out = _run(parked, refused={1})
    assert out[0].daily_budget == 11500  # the paused ad sets' 1,500 a day, no more
