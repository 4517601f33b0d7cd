"""`een-tui emulator`: flags map to the config; the command serves, prints credentials, stops."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests
from processes import emulator_command

from een_tui.cli import build_parser
from een_tui.commands.emulator import config_from_args
from een_tui.emulator import EmulatorConfig


def parse(*argv: str):
    return build_parser().parse_args(["emulator", *argv])


def test_defaults_match_the_config_defaults():
    config = config_from_args(parse())
    assert config == EmulatorConfig()


def test_every_knob_has_a_flag():
    args = parse(
        "--seed", "7", "--test-mode", "--latency-ms", "5", "--jitter-ms", "3",
        "--image-latency-ms", "2", "--fault-5xx", "0.1", "--fault-401", "0.2",
        "--fault-429", "0.3", "--retry-after", "0.5", "--fault-reset", "0.4",
        "--fault-truncate", "0.5", "--fault-non-jpeg", "0.6", "--session-lifetime", "60",
        "--preview-interval-ms", "250", "--cameras", "10000", "--fault-paths", "/asset/,/g/",
        "--fault-401-invalidates", "--token-lifetime", "10", "--history", "3600",
        "--proxy-timeout", "0.2", "--tfa-code", "4321",
    )
    assert config_from_args(args) == EmulatorConfig(
        seed=7, test_mode=True, latency_ms=5, jitter_ms=3, image_latency_ms=2, fault_5xx=0.1,
        fault_401=0.2, fault_429=0.3, retry_after_s=0.5, fault_reset=0.4, fault_truncate=0.5,
        fault_non_jpeg=0.6, session_lifetime_s=60, preview_interval_ms=250, cameras=10000,
        fault_paths=("/asset/", "/g/"), fault_401_invalidates=True, token_lifetime_s=10,
        history_s=3600, proxy_timeout_s=0.2, tfa_code="4321",
    )


@pytest.mark.parametrize("argv", [
    ["--fault-5xx", "1.5"], ["--fault-429", "-0.1"], ["--latency-ms", "fast"],
    ["--preview-interval-ms", "0"], ["--cameras", "-3"], ["--port", "x"], ["--port", "65536"],
    ["--port", "-1"], ["--retry-after", "nan"], ["--history", "-1"],
])
def test_bad_values_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse(*argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_command_serves_prints_credentials_and_stops_on_ctrl_c():
    with emulator_command() as (process, lines):
        text = "".join(lines)
        url = lines[0].split()[-1]
        assert url.startswith("http://127.0.0.1:")
        assert "demo@een-tui.test" in text and "een-tui-demo" in text
        assert "tfa@een-tui.test" in text and "two-factor code:  1234" in text
        login = requests.post(f"{url}/g/aaa/authenticate", timeout=10, json={
            "username": "demo@een-tui.test", "password": "een-tui-demo"})
        assert login.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()


def test_port_in_use_is_a_clear_error(emulator):
    port = emulator.url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "een_tui", "emulator", "--port", port],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr
