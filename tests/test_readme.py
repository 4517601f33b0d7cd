"""The README is the front door: its quick start and key table must stay true."""

from pathlib import Path

from een_tui.ui import keymap

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_quick_start_shows_the_two_newcomer_commands():
    quick = _section("Quick start")
    assert "pip install -e . && een-tui --demo" in quick
    assert "pip install -e '.[test]' && pytest" in quick


def test_every_key_binding_is_documented():
    keys = _section("Keys")
    missing = [
        f"{binding.command}: {keymap.key_label(key)}"
        for binding in keymap.KEY_BINDINGS
        for key in binding.keys
        if f"`{keymap.key_label(key)}`" not in keys
    ]
    assert not missing, f"README's key table lacks: {missing}"


def test_every_exit_code_is_documented():
    codes = _section("Exit codes")
    for code in (0, 1, 2, 3, 4, 5, 130):
        assert f"\n| {code} |" in codes


def test_the_exit_code_table_matches_the_help_epilog():
    import re

    from een_tui import exitcodes

    codes = _section("Exit codes")
    for code in re.findall(r"^  (\d+) ", exitcodes.EPILOG, flags=re.MULTILINE):
        assert f"\n| {code} |" in codes, f"exit code {code} is in --help but not the README"
    assert "\n  129 " in exitcodes.EPILOG and "\n  143 " in exitcodes.EPILOG
