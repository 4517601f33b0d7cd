"""The UI's browser opener: the desktop's opener gets the address, and nothing it prints can
reach the terminal (its output goes to /dev/null)."""

from __future__ import annotations

import subprocess
import sys
import time

from een_tui.api.v3.oauth import quiet_open_browser

URL = "http://127.0.0.1:9/oauth2/authorize?client_id=x&state=abc"


def test_the_opener_gets_the_address_and_its_output_goes_nowhere(tmp_path, monkeypatch):
    got = tmp_path / "got"
    opener = tmp_path / "bin" / "xdg-open"
    opener.parent.mkdir()
    opener.write_text(f"#!/bin/sh\necho NOISE-OUT\necho NOISE-ERR >&2\n"
                      f"printf '%s' \"$1\" > {got}.tmp && /bin/mv {got}.tmp {got}\n")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(opener.parent))
    # a child process, so that its own stdout/stderr are what the opener would inherit
    code = (f"import sys; sys.path.insert(0, {str(tmp_path)!r});"
            "from een_tui.api.v3.oauth import quiet_open_browser;"
            f"print(quiet_open_browser({URL!r}))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30, env={"PATH": str(opener.parent),
                                          "PYTHONPATH": ":".join(sys.path)})
    assert run.stdout.strip() == "True", run.stderr
    deadline = time.monotonic() + 20
    while not got.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got.read_text() == URL
    assert "NOISE" not in run.stdout + run.stderr


def test_without_an_opener_nothing_is_opened(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert quiet_open_browser(URL) is False
