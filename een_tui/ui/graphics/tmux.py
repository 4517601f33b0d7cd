"""tmux passthrough: wrap an escape sequence so tmux hands it to the outer terminal, and ask
tmux whether it allows that (``set -g allow-passthrough on``)."""

from __future__ import annotations

import os
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


def _ask(args: list[str], env: Mapping[str, str] | None, timeout: float) -> str | None:
    try:
        done = subprocess.run(
            ["tmux", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(env) if env is not None else None,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def passthrough_allowed(
    env: Mapping[str, str] | None = None, timeout: float = 0.5
) -> bool | None:
    """Whether tmux passes escape sequences through for this pane: its effective
    ``allow-passthrough`` (``show -Apv -t $TMUX_PANE``), else the global one (``show -gv``).
    ``on`` and ``all`` allow it; None when tmux cannot be asked (not there, no server, slow)."""
    pane = (env if env is not None else os.environ).get("TMUX_PANE", "")
    value = None
    if pane:
        value = _ask(["show", "-Apv", "-t", pane, "allow-passthrough"], env, timeout)
    if value is None:
        value = _ask(["show", "-gv", "allow-passthrough"], env, timeout)
    return None if value is None else value in ("on", "all")
