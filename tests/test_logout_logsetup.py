"""The log file: under the XDG state dir, mode 0600, secrets redacted."""

import logging
import os
import stat

from een_tui import config
from een_tui.logsetup import register_secret, setup_logging


def test_log_file_under_the_state_dir_and_secrets_redacted(isolated_environment):
    path = setup_logging()
    assert path == config.log_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    register_secret("pa55-w0rd-xyz")
    logging.getLogger("een_tui.test").warning("oops the password is %s", "pa55-w0rd-xyz")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text()
    assert "oops the password is ***" in text
    assert "pa55-w0rd-xyz" not in text


def test_the_log_file_stays_0600_after_a_rollover(tmp_path):
    from een_tui.logsetup import PrivateRotatingFileHandler

    path = tmp_path / "een-tui.log"
    handler = PrivateRotatingFileHandler(path, maxBytes=200, backupCount=1, encoding="utf-8")
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "x" * 150, (), None)
    for _ in range(3):
        handler.emit(record)
    handler.close()
    assert (tmp_path / "een-tui.log.1").exists()  # it did roll over
    for name in ("een-tui.log", "een-tui.log.1"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600


def test_an_unwritable_state_dir_drops_logs_quietly(monkeypatch, capsys):
    from een_tui import cli

    monkeypatch.setenv("XDG_STATE_HOME", "/proc/een-tui-cannot-exist")
    assert setup_logging() is None
    logging.getLogger("een_tui.test").error("nowhere to go")
    assert cli.main(["cameras", "--demo", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("[") and captured.err == ""
