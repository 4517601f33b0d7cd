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
