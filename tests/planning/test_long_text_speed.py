"""A long brief is scanned in linear time: the path and e-mail finders never retry every start
inside a long run of word characters (a 100 KB run took over a minute before)."""

from __future__ import annotations

import time

from agents.orchestrator.planning.normalise import protected_spans
from agents.orchestrator.planning.parse_intent import PATH_RE


def test_a_long_run_of_word_characters_is_scanned_quickly():
    text = "x" * 100_000 + " see shoe.jpg and ./ads/b.png"
    started = time.perf_counter()
    spans = protected_spans(text)
    found = [m.group(0) for m in PATH_RE.finditer(text)]
    assert time.perf_counter() - started < 2.0
    assert found == ["shoe.jpg", "./ads/b.png"]
    assert (100_005, 100_013) in spans  # "shoe.jpg", after " see "
