"""No e-mail address or phone number from a brief, a request or an answer reaches ADPILOT_HOME.

Found by a fresh-eyes review: "email the leads to jane.doe@acme-roofing.com or call me at
415-555-0101" was stored verbatim in checkpoints.sqlite. Now each is masked before the thread
stores the text, and the command says so.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from state.contacts import EMAIL, EMAIL_RE, PHONE, email_spans, mask_contacts
from tests.launchkit import brief_for

EMAIL_ADDR, PHONE_NO = "jane.doe@acme-roofing.com", "415-555-0101"


def _files_holding(home: Path, *needles: str) -> list[str]:
    return [str(p) for p in home.rglob("*") if p.is_file()
            and any(n.encode() in p.read_bytes() for n in needles)]


@pytest.mark.parametrize(("text", "masked", "said"), [
    (f"email the leads to {EMAIL_ADDR} or call me at {PHONE_NO}",
     f"email the leads to {EMAIL} or call me at {PHONE}", ["an e-mail address", "a phone number"]),
    ("call us on +44 20 7946 0958 or whatsapp 4155550101, (415) 555-0101",
     f"call us on {PHONE} or whatsapp {PHONE}, {PHONE}", ["3 phone numbers"]),
    # what only looks like digits: dates, ages, amounts, lists, ids, URLs — all kept
    ("ages 18-24 25-34 35-44 from 2026-03-20, $1 500 000 total, budgets 5500 4400 3300, "
     "campaign 120210000000000016, 1.234.567 COP, https://x.com/p/415-555-0101-shoe",
     None, []),
])
def test_contact_data_is_masked_and_nothing_else(text, masked, said):
    assert mask_contacts(text) == (text if masked is None else masked, said)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet="ab_1é.%+-@ \n", max_size=40))
@example("a@b.com+c@d.com, x@y.z..w@v.u x@y x@y.z.@q.r %@-.-")
def test_email_spans_are_exactly_the_regex_matches(text):
    assert email_spans(text) == [m.span() for m in EMAIL_RE.finditer(text)]
    assert mask_contacts(text)[0].count(EMAIL) - text.count(EMAIL) == len(email_spans(text))


@pytest.mark.parametrize("text", ["x" * 200_000, "x" * 200_000 + "@", "a@" * 100_000])
def test_a_long_run_of_word_characters_is_masked_in_linear_time(text):
    # EMAIL_RE's own findall retries every start in the run: about a minute for 200 KB.
    started = time.perf_counter()
    assert mask_contacts(text) == (text, [])
    assert time.perf_counter() - started < 5


def test_a_brief_and_an_answer_with_contact_data_leave_none_in_the_home(cli, sample_images,
                                                                        home):
    _server, run = cli
    brief = brief_for(sample_images).replace(" Budget $60/day", "")  # a question follows
    brief += f" Email the leads to {EMAIL_ADDR} or call me at {PHONE_NO}."
    asked = run("run", brief, "--thread", "c-1", "--json")
    out = json.loads(asked.stdout)
    assert out["waiting_for"] == "clarify", asked.output
    assert out["notes"] == ["an e-mail address and a phone number in the brief were not kept: "
                            "adpilot stores no contact data, and uses none to plan (lead forms "
                            "deliver to Meta; call ads are not supported)"]
    answered = run("resume", "c-1", "--answer", "$60 a day; questions to bob@acme.io")
    assert "an e-mail address in the answer was not kept" in " ".join(answered.output.split())
    assert _files_holding(home, EMAIL_ADDR, PHONE_NO, "bob@acme.io", "555-0101") == []
    assert _files_holding(home, EMAIL)  # the placeholder is what was kept
