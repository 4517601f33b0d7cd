"""Text from a hostile server never reaches the terminal or the log file raw.

Each case runs the real command against the hostile server on loopback (proxying the emulator
for everything it does not make hostile) and looks for control characters in what the user
sees (stdout, stderr) and in the log file."""

from __future__ import annotations

import json
import logging

import pytest
from hostile import Reply

from een_tui import cli, config
from een_tui.api.text import clean_text
from een_tui.commands import common

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b31m"
EVIL = f"{OSC_TITLE}{CLEAR}{OSC_CLIPBOARD}{C1_CSI}\x7f"
RAW = ("\x1b", "\x07", "\x9b", "\x7f")


def assert_clean(text: str, where: str) -> None:
    for char in RAW:
        assert char not in text, f"{char!r} reached {where}: {text!r}"


def log_text() -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    path = config.log_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def run(hostile, tmp_path, *argv: str) -> int:
    secret = tmp_path / "password"
    secret.write_text("demo-password-x\n")
    secret.chmod(0o600)
    return cli.main([
        *argv, "--login-url", hostile.url, "--api-url", hostile.url, "--username", "demo",
        "--password-file", str(secret), "--no-session-cache",
    ])


@pytest.fixture
def proxied(hostile, emulator, tmp_path):
    hostile.upstream = emulator.url

    def login_as_demo(request):  # the test's password file holds a placeholder
        body = request.json()
        body.update(username=emulator.demo_username, password=emulator.demo_password)
        request.body = json.dumps(body).encode()
        return hostile.proxied(request)

    hostile.on("POST", "/g/aaa/authenticate", login_as_demo)
    return hostile


def test_the_sanitizer_neutralises_every_control_character():
    assert clean_text(f"a{EVIL}b") == "a ]0;pwned  [2J ]52;c;ZWNobyBwd25lZA==  31m b"
    assert clean_text("x\u202eevil\u2028y") == "x evil y"  # bidi override, line separator
    assert clean_text("  two\n\tlines  ", squeeze=True) == "two lines"
    assert clean_text("abcdefghij", 5) == "abcd…"


def test_an_escape_in_content_type_is_neither_printed_nor_logged(proxied, tmp_path, capsys):
    def evil_type(request):
        reply = proxied.proxied(request)
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "content-type"]
        reply.headers.append(("Content-Type", f"text/html{EVIL}"))
        return reply

    proxied.on("GET", "/asset/prev/image.jpeg", evil_type)
    proxied.on("GET", "/asset/asset/image.jpeg", evil_type)
    code = run(proxied, tmp_path, "download", "--count", "2", "--max-attempts", "3",
               "--out", str(tmp_path / "out"))
    out, err = capsys.readouterr()
    assert code != 0
    assert "text/html" in err or "text/html" in log_text()  # the reason is still told
    assert_clean(out, "stdout")
    assert_clean(err, "stderr")
    assert_clean(log_text(), "the log file")


def test_an_escape_in_an_error_body_is_neither_printed_nor_logged(proxied, tmp_path, capsys):
    proxied.on("GET", "/g/device/list", Reply(
        403, [("X-Ee-Server-Message", f"forbidden{EVIL}")],
        {"status_code": 403, "message": f"forbidden{EVIL}"}, reason=f"Nope{CLEAR}"))
    code = run(proxied, tmp_path, "cameras")
    out, err = capsys.readouterr()
    assert code != 0
    assert "forbidden" in err
    assert_clean(out, "stdout")
    assert_clean(err, "stderr")
    assert_clean(log_text(), "the log file")


def test_escapes_in_device_names_never_reach_the_terminal(proxied, tmp_path, capsys):
    def evil_names(request):
        reply = proxied.proxied(request)
        rows = json.loads(reply.body)
        for row in rows:
            row[2] = f"{row[2]}{EVIL}"
        rows.append([row if i != 1 else f"1000{EVIL}" for i, row in enumerate(rows[0])])
        reply.body = json.dumps(rows).encode()
        return reply

    proxied.on("GET", "/g/device/list", evil_names)
    for extra in ([], ["--json"]):
        assert run(proxied, tmp_path, "cameras", "--all", *extra) == 0
        out, err = capsys.readouterr()
        assert "]0;pwned" in out  # the names are shown, made inert
        assert_clean(out, "stdout")
        assert_clean(err, "stderr")
    assert_clean(log_text(), "the log file")


def test_the_two_factor_destination_is_shown_cleaned(hostile, tmp_path, capsys, monkeypatch):
    hostile.on("POST", "/g/aaa/authenticate", Reply(200, body={
        "token": "tok", "two_factor_authentication_code": {"sms": f"*** 779{EVIL}"}}))
    hostile.on("POST", "/g/aaa/two_factor_authenticate", Reply(200, body={}))
    hostile.on("POST", "/g/aaa/authorize", Reply(
        401, body={"status_code": 401, "message": f"bad code{EVIL}"}))
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(common, "ask_hidden", lambda prompt: "1234")
    code = run(hostile, tmp_path, "cameras")
    out, err = capsys.readouterr()
    assert code != 0
    assert "*** 779" in err  # the prompt was shown
    assert_clean(out, "stdout")
    assert_clean(err, "stderr")
    assert_clean(log_text(), "the log file")


def test_the_log_formatter_cleans_what_any_module_logs():
    from een_tui.logsetup import setup_logging

    setup_logging()
    logging.getLogger("een_tui.test").warning("server said %s", EVIL)
    try:
        raise ValueError(f"boom{EVIL}")
    except ValueError:
        logging.getLogger("een_tui.test").exception("failed")
    text = log_text()
    assert "server said" in text and "boom" in text
    assert_clean(text, "the log file")
