"""The README's command reference is what the CLI says: `make readme` regenerates it (cog)."""

from __future__ import annotations

import io
from pathlib import Path

from cogapp import Cog

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_command_reference_matches_the_cli():
    cog, out = Cog(), io.StringIO()
    cog.set_output(stdout=out, stderr=out)
    status = cog.main(["cog", "--check", "--diff", "--check-fail-msg", "run `make readme`",
                       str(README)])
    assert status == 0, (
        "README.md's command reference no longer matches the CLI's --help: run `make readme` "
        f"(cog -r README.md) and commit the result.\n{out.getvalue()}")
