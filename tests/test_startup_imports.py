"""Start-up: a command imports only what it needs (issue 12). Each check runs the real entry
point in a child process under ``python -X importtime`` and reads the modules it imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from een_tui import exitcodes

# What the terminal UI and the embedded emulator bring in; a headless command needs none of it
# (the UI's glyph table, plain data, is shared with ``cameras``: not listed).
UI_AND_EMULATOR = ("urwid", "een_tui.emulator", "een_tui.ui.app", "werkzeug")
# --version (like --help) builds the parser only: no API, settings or download code
NOT_FOR_VERSION = (*UI_AND_EMULATOR, "PIL", "een_tui.api", "een_tui.config",
                   "een_tui.download.options", "tenacity", "platformdirs")
# What a plain v1 download (one camera, no time range, no config file, no prompt) has no use
# for: the UI (its glyph table too), the other commands, the many-camera runner, the range
# parser and its time zones, the TOML parser, the password prompt, strptime's locale tables.
NOT_FOR_A_PLAIN_DOWNLOAD = (
    *UI_AND_EMULATOR, "een_tui.ui", "een_tui.commands.cameras", "een_tui.commands.emulator",
    "een_tui.commands.login", "een_tui.commands.logout", "een_tui.commands.sheet",
    "een_tui.commands.timelapse", "een_tui.commands.download_many", "een_tui.download.fleet",
    "een_tui.download.range_spec", "zoneinfo", "tomllib", "tomli", "getpass", "termios",
    "_strptime",
)


def imported_modules(*argv: str,
                     timeout: float = 120) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules ``python -X importtime -m een_tui *argv`` imported, and the finished process."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "een_tui", *argv],
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    names = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    names.discard("imported package")
    return names, done


def loaded(names: set[str], roots: tuple[str, ...]) -> list[str]:
    """The modules of ``names`` that are one of ``roots`` or inside one of them."""
    return sorted(n for n in names if any(n == r or n.startswith(r + ".") for r in roots))


def test_the_probe_sees_what_a_command_imports():
    names, done = imported_modules("emulator", "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    # so that an absence below means something:
    assert "een_tui.emulator" in names and "werkzeug" in names


def test_version_imports_only_the_parser():
    names, done = imported_modules("--version")
    assert done.returncode == 0 and "een-tui" in done.stdout
    assert "een_tui.cli" in names
    assert loaded(names, NOT_FOR_VERSION) == []


def test_a_plain_v1_download_imports_only_what_it_uses(emulator, tmp_path: Path):
    secret = tmp_path / "password"
    secret.write_text(emulator.demo_password + "\n")
    out = tmp_path / "out"
    names, done = imported_modules(
        "download", "--login-url", emulator.url, "--api-url", emulator.url,
        "--username", emulator.demo_username, "--password-file", str(secret),
        "--no-session-cache", "--count", "3", "--out", str(out))
    assert done.returncode == exitcodes.OK, done.stderr[-3000:]
    assert len(list(out.rglob("*.jpg"))) == 3  # it really ran
    assert "een_tui.download.engine" in names and "een_tui.api.v1_backend" in names
    assert loaded(names, NOT_FOR_A_PLAIN_DOWNLOAD) == []
    # no v3 module (the package itself, which names the token files looked for, is imported)
    assert [name for name in names if name.startswith("een_tui.api.v3.")] == []
