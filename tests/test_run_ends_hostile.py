"""Ends of a run against hostile servers and odd terminals: malformed preview entries, a 429
asking for an hour, one re-login per run, Ctrl+D at every prompt, a stdout that cannot encode."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hostile import Reply
from test_cameras_cmd_tty import read_to_end, spawn_on_pty
from test_hostile_text import log_text, run
from test_hostile_text import proxied as proxied  # the fixture

from een_tui import cli, exitcodes
from een_tui.download.events import WorkerState, WorkerUpdate
from een_tui.ui.download_screen import worker_markup


def count(emulator, route, status=None):
    answers = emulator.stats()["requests"].get(route, {})
    return sum(answers.values()) if status is None else answers.get(str(status), 0)


def jpegs(folder) -> list:
    return sorted(folder.rglob("*.jpg"))


# ---- one malformed entry in the preview list ------------------------------------------------

def test_malformed_preview_entries_are_skipped_and_counted(proxied, tmp_path, capsys):
    def spoiled(request):
        reply = proxied.proxied(request)
        entries = json.loads(reply.body)
        reply.body = [{"s": {"x": 1}}, None, 7, {"s": 5}, "x", [], *entries]
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "content-type"]
        return reply

    proxied.on("GET", "/asset/list/image", spoiled)
    code = run(proxied, tmp_path, "download", "--count", "3", "--out", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == exitcodes.OK, err
    assert "TypeError" not in err + log_text()
    assert len(jpegs(tmp_path / "out")) == 3
    assert "6 malformed entries skipped" in log_text()


# ---- 429 -------------------------------------------------------------------------------------

def test_a_429_asking_for_an_hour_ends_a_json_call_at_once(proxied, tmp_path, capsys):
    proxied.on("GET", "/g/device/list", Reply(429, [("Retry-After", "3600")],
                                              {"status_code": 429, "message": "slow down"}))
    code = run(proxied, tmp_path, "cameras")
    err = capsys.readouterr().err
    assert code == exitcodes.ERROR
    assert "rate limit" in err and "60 min" in err and "try again later" in err
    assert [r.path for r in proxied.requests].count("/g/device/list") == 1  # no retry, no wait


def test_a_429_asking_for_an_hour_ends_the_download_naming_the_rate_limit(proxied, tmp_path,
                                                                           capsys):
    limited = Reply(429, [("Retry-After", "3600")], {"status_code": 429, "message": "slow"})
    proxied.on("GET", "/asset/asset/image.jpeg", limited)
    proxied.on("GET", "/asset/prev/image.jpeg", limited)
    code = run(proxied, tmp_path, "download", "--count", "5", "--out", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code != exitcodes.OK
    assert "rate limit" in err and "60 min" in err
    images = [r for r in proxied.requests if r.path.endswith("image.jpeg")]
    assert len(images) <= 12  # no retries of a request told to wait an hour
    assert not list((tmp_path / "out").rglob("*.part"))


def test_a_short_429_wait_is_shown_then_the_run_goes_on(proxied, tmp_path, capsys):
    hits = []

    def once_limited(request):
        hits.append(request.target)
        if len(hits) == 2:  # the first image after the health check's probe
            return Reply(429, [("Retry-After", "1")], {"status_code": 429, "message": "slow"})
        return proxied.proxied(request)

    proxied.on("GET", "/asset/asset/image.jpeg", once_limited)
    code = run(proxied, tmp_path, "download", "--count", "3", "--workers", "1",
               "--out", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == exitcodes.OK, err
    assert "rate limited by EEN (429): retry in 2 s…" in err
    assert len(jpegs(tmp_path / "out")) == 3


def test_the_ui_row_of_a_rate_limited_worker_says_how_long():
    update = WorkerUpdate(worker=2, state=WorkerState.RETRYING, timestamp="20190409024212.149",
                          attempt=1, error="retry in 58 min…", retry_in_s=3480,
                          rate_limited=True)
    text = "".join(part for _attr, part in worker_markup(update, 100))
    assert "rate limited" in text and "retry in 58 min…" in text


# ---- one re-login per run --------------------------------------------------------------------

def test_a_download_logs_in_again_once_per_run(emulator, tmp_path, monkeypatch, capsys):
    emulator.config.fault_401 = 1.0  # every image request: 401 "session expired" ...
    emulator.config.fault_401_invalidates = True  # ... and the session really ends
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    code = cli.main(["download", "--login-url", emulator.url, "--username",
                     emulator.demo_username, "--no-session-cache", "--count", "3",
                     "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == exitcodes.AUTH_FAILED, err
    assert "keeps ending the session" in err
    assert count(emulator, "POST /g/aaa/authenticate") == 2  # the login and ONE re-login
    assert not list((tmp_path / "out").rglob("*.part"))


# ---- Ctrl+D at a prompt, and a stdout that cannot encode -------------------------------------

@pytest.mark.parametrize("prompt", ["user name", "password", "code"])
def test_ctrl_d_at_a_prompt_ends_with_a_clear_message(emulator, prompt):
    argv = ["cameras", "--login-url", emulator.url, "--no-session-cache"]
    if prompt != "user name":
        argv += ["--username", emulator.tfa_username]
    process, child = spawn_on_pty(*argv)
    try:
        if prompt == "user name":
            child.expect("EEN user name: ")
        else:
            child.expect("EEN password for ")
            if prompt == "code":
                child.sendline(emulator.tfa_password)
                child.expect("4-digit code: ")
        child.send("\x04")  # Ctrl+D
        rest = read_to_end(child)
    finally:
        child.close()
    assert process.wait(timeout=30) == exitcodes.AUTH_FAILED
    assert "end of input" in rest
    assert "Traceback" not in rest and "unexpected error" not in rest


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C"}])
def test_a_stdout_that_cannot_encode_a_camera_name(proxied, emulator, env):
    def accented(request):
        reply = proxied.proxied(request)
        rows = json.loads(reply.body)
        for row in rows:
            row[2] = f"Caméra {row[2]} Entrée ☃"
        reply.body = rows
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "content-type"]
        return reply

    proxied.on("GET", "/g/device/list", accented)
    env = {**os.environ, "EEN_PASSWORD": "placeholder", "PYTHONUTF8": "0", **env}
    env.pop("LANG", None) if "LC_ALL" in env else None
    done = subprocess.run(
        [sys.executable, "-m", "een_tui", "cameras", "--login-url", proxied.url, "--api-url",
         proxied.url, "--username", emulator.demo_username, "--no-session-cache", "--all"],
        capture_output=True, env=env, timeout=60)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == exitcodes.OK, err
    assert "Traceback" not in err and "unexpected error" not in err
    out = done.stdout.decode("utf-8", "replace")
    assert "Cam" in out and "Entr" in out  # the names are shown ...
    assert "Caméra" in out or "Cam?ra" in out  # ... whole, or with "?" for what cannot be
