"""Credentials: environment, --password-file, prompt only on a terminal; no --password flag."""

import pytest

from een_tui.api.credentials import CredentialSource, read_password_file
from een_tui.api.errors import MissingCredentials
from een_tui.cli import build_parser


def source(**kw):
    kw.setdefault("environ", {})
    kw.setdefault("is_terminal", lambda: False)
    kw.setdefault("ask_username", _never)
    kw.setdefault("ask_password", _never)
    return CredentialSource(**kw)


def _never(prompt):
    raise AssertionError(f"unexpected prompt {prompt!r}")


def test_environment_password():
    creds = source(username="ann", environ={"EEN_PASSWORD": "pw-env"}).resolve()
    assert (creds.username, creds.password) == ("ann", "pw-env")
    assert "pw-env" not in repr(creds)


def test_password_file_first_line_wins_over_environment(tmp_path):
    file = tmp_path / "pw"
    file.write_text("pw-file\nsecond line\n")
    creds = source(username="ann", password_file=str(file),
                   environ={"EEN_PASSWORD": "pw-env"}).resolve()
    assert creds.password == "pw-file"


@pytest.mark.parametrize("content", ["", "\n"])
def test_empty_password_file_is_a_clear_error(tmp_path, content):
    file = tmp_path / "pw"
    file.write_text(content)
    with pytest.raises(MissingCredentials, match="empty"):
        read_password_file(file)


def test_missing_password_file(tmp_path):
    with pytest.raises(MissingCredentials, match="does not exist"):
        read_password_file(tmp_path / "nope")


def test_prompts_only_on_a_terminal():
    with pytest.raises(MissingCredentials, match="no EEN password"):
        source(username="ann").resolve()
    with pytest.raises(MissingCredentials, match="no EEN user name"):
        source().resolve()
    asked = []
    creds = source(is_terminal=lambda: True,
                   ask_username=lambda p: asked.append(p) or "ann",
                   ask_password=lambda p: asked.append(p) or "pw-typed").resolve()
    assert (creds.username, creds.password) == ("ann", "pw-typed")
    assert len(asked) == 2


def test_no_prompt_when_prompting_is_off():
    with pytest.raises(MissingCredentials):
        source(username="ann", is_terminal=lambda: True, can_prompt=False).resolve()


def test_silent_relogin_credentials_never_prompt():
    assert source(username="ann", is_terminal=lambda: True).non_interactive() is None
    creds = source(username="ann", environ={"EEN_PASSWORD": "pw"}).non_interactive()
    assert creds.password == "pw"


@pytest.mark.parametrize("argv", [["cameras", "--password", "hunter2x"],
                                  ["cameras", "--password=hunter2x"]])
def test_there_is_no_password_flag(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "hunter2x" not in err
