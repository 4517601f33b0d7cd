"""The UI in terminals that are not a modern UTF-8 xterm, end to end in a real pty (see
:mod:`test_ui_e2e`): a Latin-1 locale, ``--ascii``, ``TERM=dumb``, and the decoding of Esc, arrows
and Alt+key with the short Esc wait. Waits poll the emulated screen against a deadline."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from test_ui_e2e import Terminal, assert_terminal_restored, jpegs_in

LATIN1 = "en_US.ISO-8859-1"
COLOUR_BACKGROUND = re.compile(rb"\x1b\[[0-9;]*48;5;\d+")


def demo_args(tmp_path, *extra: str) -> list[str]:
    return ["--demo", "--out", str(tmp_path / "out"), "--demo-image-latency-ms", "50", *extra]


@pytest.fixture
def terminals():
    started: list[Terminal] = []

    def start(args: list[str], *, term: str = "xterm-256color", env: dict | None = None):
        terminal = Terminal(args, cols=80, rows=24, term=term, env=env or {})
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()


@pytest.fixture
def latin1_locale(tmp_path) -> dict[str, str]:
    """The environment of a Latin-1 terminal: the locale compiled into ``tmp_path`` (no root)."""
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("localedef (libc-bin) is missing: cannot build a Latin-1 locale")
    locales = tmp_path / "locales"
    locales.mkdir()
    result = subprocess.run(
        [localedef, "-i", "en_US", "-f", "ISO-8859-1", str(locales / LATIN1)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if not (locales / LATIN1).is_dir():
        pytest.skip(f"cannot build the {LATIN1} locale: {result.stderr.strip()[:200]}")
    return {"LOCPATH": str(locales), "LC_ALL": LATIN1, "LANG": LATIN1}


def test_latin1_terminal_gets_ascii_symbols_and_r_does_not_crash(
    terminals, tmp_path, latin1_locale
):
    t = terminals(demo_args(tmp_path), env=latin1_locale)
    t.stream.use_utf8 = False  # the terminal decodes Latin-1, byte for byte
    text = t.wait_for("cameras loaded")
    header = text.splitlines()[1]  # counts per status, with the ASCII symbols
    assert re.search(r"\d+ cameras +\* \d+ o \d+ / \d+ x \d+", header), header
    assert text.startswith(" een-tui | Cameras | Demo User")
    assert "* Online" in text and "? Online" not in text
    t.send("r")
    text = t.wait_for("Done: 20/20 saved")
    assert b"\xe2\x96\x80" not in t.raw and "\u2580" not in text  # no UTF-8 half block
    assert COLOUR_BACKGROUND.search(bytes(t.raw)), "the thumbnail's colours were not drawn"
    assert len(jpegs_in(tmp_path / "out")) == 20
    t.send("q")
    assert t.wait_exit() == 0
    assert_terminal_restored(t.raw)


def test_ascii_option_in_a_utf8_terminal(terminals, tmp_path):
    t = terminals(demo_args(tmp_path, "--ascii"))
    text = t.wait_for("cameras loaded")
    assert re.search(r"\d+ cameras +\* \d+ o \d+ / \d+ x \d+", text.splitlines()[1])
    assert "● Online" not in text and "* Online" in text
    t.send("?")
    text = t.wait_for("any key closes this help")
    assert "Up Down PgUp PgDn scroll" in text
    t.send("q")  # closes the help
    t.wait_for(lambda s: "any key closes" not in s)
    t.send("q")
    assert t.wait_exit() == 0


@pytest.mark.parametrize("term", ["dumb", ""])
def test_dumb_terminal_is_refused_with_the_headless_commands(terminals, tmp_path, term):
    t = terminals(demo_args(tmp_path), term=term)
    assert t.wait_exit() == 2
    said = bytes(t.raw).decode()
    assert "een-tui cameras" in said and "een-tui download" in said
    assert "Traceback" not in said
    assert b"\x1b[" not in t.raw  # no escape code reached the dumb terminal


def test_esc_arrows_and_alt_key_decode_with_the_short_esc_wait(terminals, tmp_path):
    """Each sequence is written at once, as a terminal (or SSH) sends it: Alt+x must not read as
    Esc then ``x`` (Esc would close the filter line), the down arrow must not read as Esc ``[``
    ``B``, and a lone Esc must still arrive on its own."""
    t = terminals(demo_args(tmp_path))
    t.wait_for("cameras loaded")
    t.send("/")
    t.wait_for(lambda s: s.splitlines()[-1].startswith("Enter done  Esc clear"))
    t.send("\x1bx")  # Alt+x: "meta x", which the filter line ignores
    t.send("lobby")
    text = t.wait_for("\n/lobby")  # still filtering: no Esc was seen, no "x" was typed
    assert "\n/xlobby" not in text
    t.send("\x1b[B")  # down arrow: keep the filter, back to the list
    text = t.wait_for(
        lambda s: s.splitlines()[-1].startswith("Enter download") and "showing" in s
    )
    assert "CFA1 Lobby" in text and "CFA1 Closet" not in text and "[B" not in text
    t.send("\x1b")  # a lone Esc: clears the filter
    t.wait_for(lambda s: "showing" not in s and "CFA16 Kitchen" in s)
    t.send("\x1bOA")  # up arrow in application cursor mode (SS3)
    t.send("?")
    t.wait_for("any key closes this help")  # "?" was read as itself after the SS3 arrow
    t.send("q")
    t.wait_for(lambda s: "any key closes" not in s)
    t.send("q")
    assert t.wait_exit() == 0
