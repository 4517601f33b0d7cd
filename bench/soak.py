"""Soak: the terminal UI through hundreds of download runs, keys in a seeded random order.

    python bench/soak.py [--runs 300] [--seed 1] [--faults] [--demo] [--size 120x40]

One ``een-tui`` on a pty (pyte as the terminal) against the emulator in its own process (or
``--demo``: the embedded one, as a user would start it). From the camera list ``r`` starts a
run; then, at random, the run is left to finish, or after a random moment ``c`` cancels it,
``n`` replaces it with another, or ``Esc`` goes back to the list. ``--faults`` adds the
emulator's 5xx, 429, resets, truncated and non-JPEG answers on image requests.

Every run that the screen reports must end in N/N (``Done: N/N``) or a stated reason: a
``Cancelled``/``Incomplete``/``Failed`` headline, the latter two with the error under it. A run
that shows no headline within ``--stuck-after`` seconds is a failure: its screen is printed.
Exit 0 when every run ended properly.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ui_bench import UI, Emulator

HEADLINE = re.compile(r"(Done|Incomplete|Cancelled|Failed): (\d+)/(\d+) saved")
FAULTS = ("--fault-5xx", "0.05", "--fault-429", "0.01", "--retry-after", "0.5",
          "--fault-reset", "0.02", "--fault-truncate", "0.02", "--fault-non-jpeg", "0.01")
COUNT = 20


class Stuck(Exception):
    """A run showed no headline in time."""


def headline(text: str) -> re.Match | None:
    return HEADLINE.search(text)


def on_download_screen(text: str) -> bool:
    return "Workers" in text


def check_end(text: str, outcomes: Counter, problems: list[str]) -> None:
    """The finished run on screen: N/N, or a stated reason."""
    match = headline(text)
    assert match is not None
    word, saved, requested = match.group(1), int(match.group(2)), int(match.group(3))
    outcomes[word] += 1
    if word == "Done" and saved != requested:
        problems.append(f"Done but {saved}/{requested}:\n{text}")
    if word in ("Incomplete", "Failed"):
        after = text[match.end():].split("\n", 2)
        if len(after) < 2 or not after[1].strip():
            problems.append(f"{word} without a reason:\n{text}")


def wait_end(ui: UI, stuck_after: float) -> str:
    try:
        ui.wait_for(lambda s: headline(s) is not None, timeout=stuck_after)
    except TimeoutError:
        raise Stuck(ui.text) from None
    seen = ui.text
    ui.pump(0.05)  # the rest of the frame (the reason under the headline)
    if headline(ui.text) is None:
        print(f"note: the headline went away within 50 ms; the screen then:\n{ui.text}",
              file=sys.stderr)
        return seen
    return ui.text


def soak(ui: UI, runs: int, rng: random.Random, stuck_after: float) -> tuple[Counter, list[str]]:
    outcomes: Counter = Counter()
    problems: list[str] = []
    started = 0
    on_list = True
    while started < runs:
        if on_list:
            ui.child.send("r")
            ui.wait_for(on_download_screen)
            on_list = False
        started += 1
        action = rng.choice(("finish", "finish", "c", "n", "esc"))
        if action != "finish":
            deadline = time.monotonic() + rng.uniform(0.0, 0.5)
            while time.monotonic() < deadline:
                ui.pump(0.02)
        try:
            if action == "finish":
                check_end(wait_end(ui, stuck_after), outcomes, problems)
            elif action == "c":
                ui.child.send("c")
                check_end(wait_end(ui, stuck_after), outcomes, problems)
            elif action == "n":
                outcomes["replaced (n)"] += 1
                ui.child.send("n")
                ui.wait_for(lambda s: headline(s) is None and on_download_screen(s))
                continue
            if action == "esc" or rng.random() < 0.5:
                if action == "esc":
                    outcomes["left (Esc)"] += 1
                ui.child.send("\x1b")
                ui.wait_for(lambda s: not on_download_screen(s))
                on_list = True
            else:
                ui.child.send("n")  # another run straight from a finished one
                ui.wait_for(lambda s: headline(s) is None and on_download_screen(s))
        except Stuck as stuck:
            problems.append(f"run {started} ({action}): no headline after {stuck_after:g} s:\n"
                            f"{stuck.args[0]}")
            ui.child.send("\x1b")
            ui.wait_for(lambda s: not on_download_screen(s))
            on_list = True
    return outcomes, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--demo", action="store_true", help="the embedded emulator (--demo)")
    parser.add_argument("--size", default="120x40", help="terminal COLSxROWS")
    parser.add_argument("--stuck-after", type=float, default=30.0, metavar="SECONDS")
    args = parser.parse_args()
    import ui_bench

    ui_bench.COLS, ui_bench.ROWS = (int(v) for v in args.size.split("x"))
    rng = random.Random(args.seed)
    emulator = None
    with tempfile.TemporaryDirectory(prefix="een-tui-soak-") as tmp:
        work = Path(tmp)
        extra = ["--count", str(COUNT), "--out", str(work / "out")]
        if args.demo:
            ui = DemoUI(work / "home", *extra)
        else:
            latency = ("--image-latency-ms", "20", "--jitter-ms", "30")
            emulator = Emulator(*latency, *(FAULTS if args.faults else ()))
            ui = UI(emulator.url, work / "home", *extra)
        try:
            ui.wait_for(lambda s: "cameras loaded" in s)
            started = time.monotonic()
            outcomes, problems = soak(ui, args.runs, rng, args.stuck_after)
            elapsed = time.monotonic() - started
            ui.quit()
        finally:
            if emulator is not None:
                emulator.stop()
    mode = "demo" if args.demo else "faults" if args.faults else "no faults"
    print(f"soak: {args.runs} runs ({mode}, seed {args.seed}, {args.size}) in {elapsed:.0f} s")
    for word, n in sorted(outcomes.items()):
        print(f"  {word:<14} {n}")
    for problem in problems:
        print(f"\nPROBLEM: {problem}")
    print("every run ended in N/N or a stated reason" if not problems
          else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


class DemoUI(UI):
    """``een-tui --demo`` (the embedded emulator) instead of a login to a separate one."""

    def __init__(self, home: Path, *extra: str) -> None:
        import os

        import pexpect
        import pyte
        import ui_bench

        self.screen = pyte.Screen(ui_bench.COLS, ui_bench.ROWS)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color", "HOME": str(home),
               "XDG_STATE_HOME": str(home / "state"), "XDG_CONFIG_HOME": str(home / "config")}
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(sys.executable, ["-m", "een_tui", "--demo", *extra], env=env,
                                   dimensions=(ui_bench.ROWS, ui_bench.COLS))
        self.child.delaybeforesend = None


if __name__ == "__main__":
    raise SystemExit(main())
