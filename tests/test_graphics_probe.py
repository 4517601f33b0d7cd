"""Detection against a fake terminal on a real pty: it answers (kitty, Sixel, iTerm2) or says
nothing, and detection returns within its timeout and leaves the tty mode as it was."""

import fcntl
import os
import select
import struct
import termios
import threading
import time

import pytest

from een_tui.ui.graphics import (
    CellSize,
    check_choice,
    detect_graphics,
    parse_answers,
    query_terminal,
)

KITTY_QUERY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
DA1_QUERY = b"\x1b[c"


class FakeTerminal:
    """The terminal side of a pty: records what the program sent and, once the DA1 query
    arrives, sends ``answer`` (in pieces, to check reassembly)."""

    def __init__(self, answer: bytes | None, pieces: int = 1) -> None:
        self.master, self.slave = os.openpty()
        self.answer = answer
        self.pieces = pieces
        self.received = b""
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        answered = False
        while not self._stop:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                self.received += os.read(self.master, 4096)
            except OSError:
                return
            if DA1_QUERY in self.received and not answered and self.answer is not None:
                answered = True
                size = -(-len(self.answer) // self.pieces)
                for start in range(0, len(self.answer), size):
                    os.write(self.master, self.answer[start : start + size])
                    time.sleep(0.005)

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=5)
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def terminal(request):
    answer, pieces = request.param if isinstance(request.param, tuple) else (request.param, 1)
    fake = FakeTerminal(answer, pieces)
    yield fake
    fake.close()


KITTY = b"\x1b_Gi=31;OK\x1b\\\x1b[6;18;9t\x1b[?62;22c"
XTERM_VT340 = b"\x1bP>|XTerm(379)\x1b\\\x1b[6;13;6t\x1b[?63;1;2;4;6;9;15;16;22;28c"
PLAIN = b"\x1b[?1;2c"


@pytest.mark.parametrize("terminal", [(KITTY, 1), (KITTY, 7)], indirect=True)
def test_kitty_answer_means_kitty(terminal):
    graphics = detect_graphics("auto", {}, terminal.slave, timeout=5)
    assert graphics.protocol == "kitty"
    assert graphics.cell == CellSize(9, 18)
    assert not graphics.passthrough
    assert terminal.received.startswith(KITTY_QUERY)
    assert terminal.received.endswith(DA1_QUERY)


@pytest.mark.parametrize("terminal", [XTERM_VT340], indirect=True)
def test_da1_attribute_4_means_sixel(terminal):
    graphics = detect_graphics("auto", {}, terminal.slave, timeout=5)
    assert graphics.protocol == "sixel"
    assert graphics.cell == CellSize(6, 13)


@pytest.mark.parametrize("terminal", [PLAIN], indirect=True)
def test_iterm_by_environment(terminal):
    assert detect_graphics("auto", {"TERM_PROGRAM": "iTerm.app"}, terminal.slave, 5).protocol == (
        "iterm"
    )


@pytest.mark.parametrize("terminal", [b"\x1bP>|WezTerm 20240203\x1b\\" + PLAIN], indirect=True)
def test_iterm_by_xtversion(terminal):
    assert detect_graphics("auto", {}, terminal.slave, timeout=5).protocol == "iterm"


@pytest.mark.parametrize("terminal", [b"\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\" + PLAIN], indirect=True)
def test_kitty_error_answer_and_plain_da1_mean_blocks(terminal):
    graphics = detect_graphics("auto", {}, terminal.slave, timeout=5)
    assert graphics.protocol == "blocks"
    assert "10x20" in graphics.note
    assert graphics.cell == CellSize(10, 20)


@pytest.mark.parametrize("terminal", [None], indirect=True)
def test_silent_terminal_costs_only_the_timeout(terminal):
    started = time.monotonic()
    graphics = detect_graphics("auto", {}, terminal.slave, timeout=0.15)
    elapsed = time.monotonic() - started
    assert graphics.protocol == "blocks"
    assert elapsed >= 0.15
    assert elapsed < 3  # generous: the point is that it does not hang
    assert DA1_QUERY in terminal.received


@pytest.mark.parametrize("terminal", [None], indirect=True)
def test_cell_size_from_the_kernel_window_size(terminal):
    fcntl.ioctl(terminal.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 640, 408))
    graphics = detect_graphics("sixel", {}, terminal.slave, timeout=0.1)
    assert graphics.protocol == "sixel"
    assert graphics.cell == CellSize(8, 17)
    assert graphics.note == ""


@pytest.mark.parametrize("terminal", [XTERM_VT340], indirect=True)
def test_tty_mode_is_restored(terminal):
    before = termios.tcgetattr(terminal.slave)
    assert before[3] & termios.ECHO
    query_terminal(terminal.slave, timeout=5)
    assert termios.tcgetattr(terminal.slave) == before


@pytest.mark.parametrize("terminal", [PLAIN], indirect=True)
@pytest.mark.parametrize("option", ["blocks", "none", " NONE "])
def test_urwid_choices_never_ask_the_terminal(terminal, option):
    graphics = detect_graphics(option, {}, terminal.slave)
    assert graphics.protocol == option.strip().lower()
    assert not graphics.pixels
    time.sleep(0.1)  # give a query, had one been sent, time to arrive: none must
    assert terminal.received == b""


def test_no_terminal_means_blocks_or_the_forced_protocol():
    assert detect_graphics("auto", {}, None).protocol == "blocks"
    read, write = os.pipe()
    try:
        assert detect_graphics("auto", {}, read).protocol == "blocks"
        forced = detect_graphics("kitty", {}, read)
        assert forced.protocol == "kitty" and forced.cell == CellSize(10, 20)
    finally:
        os.close(read)
        os.close(write)


def test_unknown_choice_is_a_clear_error():
    with pytest.raises(ValueError, match="auto, kitty, iterm, sixel, blocks, none"):
        check_choice("svga")


def fake_tmux(tmp_path, value: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "tmux"
    script.write_text(f"#!/bin/sh\necho {value}\n")
    script.chmod(0o755)
    return {"PATH": str(bin_dir), "TMUX": "/tmp/x,1,0", "KITTY_WINDOW_ID": "1"}


@pytest.mark.parametrize("terminal", [PLAIN], indirect=True)
def test_tmux_without_passthrough_falls_back_and_says_what_to_set(terminal, tmp_path):
    graphics = detect_graphics("auto", fake_tmux(tmp_path, "off"), terminal.slave, timeout=5)
    assert graphics.protocol == "blocks"
    assert "tmux set -g allow-passthrough on" in graphics.note


@pytest.mark.parametrize("terminal", [PLAIN], indirect=True)
def test_tmux_with_passthrough_wraps(terminal, tmp_path):
    graphics = detect_graphics("auto", fake_tmux(tmp_path, "on"), terminal.slave, timeout=5)
    assert graphics.protocol == "kitty"
    assert graphics.passthrough


@pytest.mark.parametrize("terminal", [XTERM_VT340], indirect=True)
def test_tmux_that_draws_sixel_itself_needs_no_passthrough(terminal, tmp_path):
    graphics = detect_graphics("auto", fake_tmux(tmp_path, "off"), terminal.slave, timeout=5)
    assert graphics.protocol == "sixel"
    assert not graphics.passthrough


def test_parse_ignores_garbage_and_absurd_cell_sizes():
    answers = parse_answers(b"junk\x1b[6;0;99999t\x1b[?1;4c more")
    assert answers.cell is None
    assert answers.sixel
    assert parse_answers(b"").da1 is None
