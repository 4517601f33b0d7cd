"""The README's v3 parts stay true: every flag of the contract (issue 10) is in the
configuration table and in ``--help``, and the status table is the one the code maps."""

import re
from pathlib import Path

import pytest

from een_tui.api.v3.cameras import CONNECTION_STATUS
from een_tui.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
CONTRACT = {"--api": "EEN_API", "--auth-url": "EEN_AUTH_URL", "--api-url": "EEN_API_URL",
            "--client-id": "EEN_CLIENT_ID", "--client-secret-file": "EEN_CLIENT_SECRET",
            "--redirect-uri": "EEN_REDIRECT_URI"}


@pytest.mark.parametrize(("flag", "variable"), CONTRACT.items())
def test_each_v3_flag_is_in_the_configuration_table_and_in_help(flag, variable, capsys):
    assert re.search(rf"^\|.*`{flag}[ `\\].*`{variable}`", README, flags=re.MULTILINE), flag
    for command in ("cameras", "download", "login"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        assert flag in capsys.readouterr().out


def test_the_status_table_is_the_one_the_code_maps():
    rows = dict(re.findall(r"^\| `(\w+)`(?: \([^)]*\))? \| ([A-Za-z ]+) \|$", README,
                           flags=re.MULTILINE))
    assert set(rows) == set(CONNECTION_STATUS)
    for raw, status in CONNECTION_STATUS.items():
        assert rows[raw] == status.label


def test_the_readme_says_how_to_get_credentials_and_log_in_over_ssh():
    assert "My Application" in README
    assert "http://127.0.0.1:3333/callback" in README
    assert "ssh -L 3333:127.0.0.1:3333" in README
    assert "paste" in README
    assert "`EEN_ACCESS_TOKEN`" in README
