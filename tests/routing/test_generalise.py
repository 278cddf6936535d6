"""General mechanisms of the rules router, each pinned with new sentences.

Every sentence here is written for these tests (none comes from a dataset): quoted earlier
messages and list markers, context sentences, jargon and other languages' ad-ops verbs,
conditional later asks, refusals that name the supported alternative, and params read in any
word order.
"""

from __future__ import annotations

from agents.orchestrator.routing.discourse import blank
from tests.routing.conftest import ask


def _set(d: dict) -> dict:
    """Return the keys of `d` that are set."""
    return {k: v for k, v in d.items() if v is not None}


def test_a_quoted_earlier_message_is_not_read():
    i = ask("> should we kill Brand Awareness?\nnah, leave it — just pause Newsletter Signups")
    assert i.route == "status" and [e.name for e in i.entities] == ["Newsletter Signups"]


def test_blank_keeps_positions_and_line_breaks():
    text = "[OPS-77] halve Brand Awareness\nPriority: low"
    out = blank(text)
    assert len(out) == len(text) and out.count("\n") == 1
    assert "OPS" not in out and "Priority" not in out and "halve Brand Awareness" in out


def test_a_ticket_tag_and_its_priority_field_are_not_amounts():
    i = ask("[ADS-913] Brand Awareness: trim the budget 15% (too much frequency). Priority: high")
    assert i.route == "budget" and _set(i.params["change"]) == {"pct": -15}


def test_numbered_items_are_separate_asks():
    i = ask("1) pause Carousel C\n2) double Brand Awareness")
    assert i.route == "status" and [e.name for e in i.entities] == ["Carousel C"]
    assert [a.route for a in i.also] == ["budget"]
    assert _set(i.also[0].params["change"]) == {"factor": 2.0}


def test_an_email_greeting_and_signature_are_not_asks():
    i = ask("Hello all,\n\ncould Spring Sale go to $180 a day?\n\nCheers,\nRobin")
    assert i.route == "budget" and _set(i.params["change"]) == {"to_minor": 18000}
    assert not i.also
