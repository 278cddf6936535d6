"""A brief's glob lists files only inside the folders the operator allows (server, MCP)."""

from agents.orchestrator.planning.parse_intent import find_assets


def test_a_glob_outside_the_allowed_folders_lists_nothing(tmp_path) -> None:
    allowed, other = tmp_path / "allowed", tmp_path / "secret"
    allowed.mkdir()
    other.mkdir()
    (allowed / "shoe.jpg").write_bytes(b"x")
    (other / "private.jpg").write_bytes(b"x")
    roots = (str(allowed),)
    inside = find_assets(f"images {allowed}/*.jpg", str(allowed), roots=roots)
    assert inside.images == [str(allowed / "shoe.jpg")]
    outside = find_assets(f"images {other}/*.jpg", str(allowed), roots=roots)
    assert outside.images == [] and outside.unresolved_globs == [f"{other}/*.jpg"]
    sneaky = find_assets(f"images {allowed}/../secret/*.jpg", str(allowed), roots=roots)
    assert sneaky.images == []
    relative = find_assets("images *.jpg", str(allowed), roots=roots)
    assert relative.images == ["shoe.jpg"]  # relative to the allowed folder
    assert find_assets(f"images {other}/*.jpg").images == [str(other / "private.jpg")]  # the CLI
