"""A possessive "'s" is no word of a name: "the men's ad set", "the women's ad set".

"pause the women's ad set" answered "Nothing is named"; "pause spring sale's men ad set" and
"pause the men's ad set in spring sale" could not find Men 25-44 (the "s" after the apostrophe
was read as a word of the name, and "'s ad set in" did not read as a container).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize(("request_", "sid"), [
    ("pause the women's ad set", "120331000000111"),
    ("pause the men's ad set in spring sale", "120331000000112"),
    ("pause spring sale's men ad set", "120331000000112"),
])
def test_a_possessive_name_is_found(request_, sid):
    i = ask(request_)
    assert i.route == "status" and [e.id for e in i.entities] == [sid]
