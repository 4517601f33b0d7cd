"""Never more than W image requests in flight across runs (issue 12): ``n`` pressed many times in
a row in the real UI (a pty, pyte as the terminal) against the emulator, whose own count of
image requests in flight is the judge: a server counts requests, not intentions."""

from __future__ import annotations

import pytest
from test_ui_e2e import Terminal, five_workers_busy

WORKERS = 5
IMAGES = "GET /asset/asset/image.jpeg"


def peak(emu) -> int:
    return emu.stats()["images_in_flight_max"]


def images_asked(emu) -> int:
    return sum(emu.stats()["requests"].get(IMAGES, {}).values())


@pytest.fixture
def slow_emulator(emulator):
    # Long enough that a request cut by the client still counts on the server (which notices
    # a closed connection only when it answers) while the next run would start.
    emulator.config.image_latency_ms = 1000.0
    return emulator


@pytest.mark.parametrize("presses", [15, 30])
def test_rapid_n_never_has_more_than_w_image_requests_in_flight(slow_emulator, tmp_path, presses):
    emu = slow_emulator
    args = ["--login-url", emu.url, "--api-url", emu.url, "--no-session-cache",
            "--count", "500", "--workers", str(WORKERS), "--out", str(tmp_path / "out")]
    env = {"EEN_USERNAME": emu.demo_username, "EEN_PASSWORD": emu.demo_password}
    t = Terminal(args, cols=120, rows=40, term="xterm-256color", env=env)
    try:
        t.wait_for("cameras loaded")
        t.send("r")
        t.wait_for(five_workers_busy)
        t.wait_for(lambda s: peak(emu) == WORKERS)  # the run really fills its W
        for _ in range(presses):
            t.send("n")
            t.pump(0.02)  # a fast typist: keys arrive between and during requests
        started = images_asked(emu)
        # The last run gets going, and fetches enough to have had every chance to overlap.
        t.wait_for(lambda s: five_workers_busy(s)
                   and images_asked(emu) >= started + 3 * WORKERS)
        assert peak(emu) <= WORKERS
        t.send("q")  # a download runs: the UI asks first
        t.wait_for("Quit now?")
        t.send("y")
        assert t.wait_exit() == 0
    finally:
        t.close()
    assert not list((tmp_path / "out").rglob("*.part"))
