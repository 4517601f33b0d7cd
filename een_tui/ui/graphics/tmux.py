"""tmux passthrough: wrap an escape sequence so tmux hands it to the outer terminal, and ask
tmux whether it allows that (``set -g allow-passthrough on``)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping

ESC = b"\x1b"
HOW_TO_ALLOW = "tmux set -g allow-passthrough on"


def in_tmux(env: Mapping[str, str]) -> bool:
    """Whether this process runs inside tmux (tmux sets ``TMUX`` for its panes)."""
    return bool(env.get("TMUX"))


def wrap_tmux(sequence: bytes) -> bytes:
    """``ESC P tmux;`` + the sequence with every ESC doubled + ``ESC \\``."""
    return ESC + b"Ptmux;" + sequence.replace(ESC, ESC + ESC) + ESC + b"\\"


def passthrough_allowed(
    env: Mapping[str, str] | None = None, timeout: float = 0.5
) -> bool | None:
    """True/False from ``tmux show -gv allow-passthrough``; None when tmux cannot be asked
    (not installed, no server, too slow). ``on`` and ``all`` both allow it."""
    try:
        done = subprocess.run(
            ["tmux", "show", "-gv", "allow-passthrough"],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(env) if env is not None else None,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() in ("on", "all")
