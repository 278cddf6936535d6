import json

import pytest

from tools.errors import ThrottledError
from tools.governor import Governor, parse_usage


class FakeClock:
    def __init__(self):
        self.t = 1000.0
        self.slept = []

    def __call__(self):
        return self.t

    def sleep(self, s):
        self.slept.append(s)
        self.t += s


def _buc(pct, regain=0):
    return {"X-Business-Use-Case-Usage": json.dumps({"1": [{
        "type": "ads_management", "call_count": pct, "total_cputime": 1, "total_time": 1,
        "estimated_time_to_regain_access": regain}]})}


def test_parse_usage_takes_the_highest_percentage_and_block():
    usage = parse_usage({**_buc(40, regain=2),
                         "x-ad-account-usage": json.dumps({"acc_id_util_pct": 81.5,
                                                           "reset_time_duration": 300})})
    assert usage["pressure"] == 81.5
    assert usage["block_s"] == 120.0  # the window's reset time alone is not a block
    full = parse_usage({"X-Ad-Account-Usage": json.dumps({"acc_id_util_pct": 100.0,
                                                          "reset_time_duration": 60})})
    assert full["block_s"] == 60.0


def test_no_delay_below_soft_limit_and_graded_delay_above():
    clock = FakeClock()
    gov = Governor(sleep=clock.sleep, clock=clock)
    gov.observe(_buc(50))
    assert gov.before_call() == 0.0
    gov.observe(_buc(80))
    first = gov.before_call()
    gov.observe(_buc(95))
    second = gov.before_call()
    assert 0 < first < second <= 2.0
    assert gov.waits == 2 and clock.slept == [first, second]


def test_long_block_raises_throttled_with_retry_after():
    clock = FakeClock()
    gov = Governor(sleep=clock.sleep, clock=clock)
    gov.observe(_buc(100, regain=5))
    with pytest.raises(ThrottledError) as info:
        gov.before_call()
    assert info.value.retry_after_s == pytest.approx(300.0)
    assert clock.slept == []
    clock.t += 301
    gov.observe(_buc(10))
    assert gov.before_call() == 0.0


def test_stale_readings_stop_slowing_down():
    clock = FakeClock()
    gov = Governor(sleep=clock.sleep, clock=clock, stale_s=60)
    gov.observe(_buc(90))
    clock.t += 61
    assert gov.delay_s() == 0.0
