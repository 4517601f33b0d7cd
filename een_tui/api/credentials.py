"""Where the user name and password come from: flags, environment, a file, or a prompt.

There is deliberately no ``--password`` flag: it would show in ``ps`` and in shell history."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from een_tui.api.errors import MissingCredentials

MAX_PASSWORD_FILE_BYTES = 4096


@dataclass(frozen=True)
class Credentials:
    """A user name and password. ``repr`` never shows the password."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***)"


def stdin_is_terminal() -> bool:
    """True when a person can answer a prompt."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def read_password_file(path: str | os.PathLike[str]) -> str:
    """The first line of ``path`` (trailing newline removed). Clear errors for bad files."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_PASSWORD_FILE_BYTES:
            raise MissingCredentials(f"the password file {file} is too large to be a password file")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise MissingCredentials(f"the password file {file} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MissingCredentials(
            f"cannot read the password file {file}: {exc.__class__.__name__}") from exc
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise MissingCredentials(f"the password file {file} is empty")
    return password


@dataclass
class CredentialSource:
    """Resolves credentials lazily, so a cached session needs no password at all."""

    username: str | None = None  # from --username / EEN_USERNAME / config file
    password_file: str | None = None  # --password-file
    environ: dict[str, str] | None = None
    can_prompt: bool = True
    is_terminal: Callable[[], bool] = stdin_is_terminal
    ask_username: Callable[[str], str] = input
    ask_password: Callable[[str], str] = getpass.getpass

    def _env(self, name: str) -> str | None:
        env = os.environ if self.environ is None else self.environ
        return env.get(name) or None

    def _prompt_allowed(self) -> bool:
        return self.can_prompt and self.is_terminal()

    def resolve_username(self) -> str:
        """The user name, prompting on a terminal when none is configured."""
        if self.username:
            return self.username
        if self._prompt_allowed():
            try:
                name = self.ask_username("EEN user name: ").strip()
            except EOFError:
                name = ""
            if name:
                self.username = name
                return name
        raise MissingCredentials(
            "no EEN user name: set EEN_USERNAME or use --username"
        )

    def non_interactive_password(self) -> str | None:
        """The password from ``--password-file`` or ``EEN_PASSWORD``, without prompting."""
        if self.password_file:
            return read_password_file(self.password_file)
        return self._env("EEN_PASSWORD")

    def resolve(self) -> Credentials:
        """User name and password; prompts (getpass) only when stdin is a terminal."""
        username = self.resolve_username()
        password = self.non_interactive_password()
        if password is None and self._prompt_allowed():
            try:
                password = self.ask_password(f"EEN password for {username}: ")
            except EOFError:
                password = None
        if not password:
            raise MissingCredentials(
                "no EEN password: set EEN_PASSWORD, use --password-file, or run on a terminal"
            )
        return Credentials(username=username, password=password)

    def non_interactive(self) -> Credentials | None:
        """Credentials for a silent re-login, or None when that would need a prompt."""
        try:
            password = self.non_interactive_password()
        except MissingCredentials:
            return None
        if not self.username or not password:
            return None
        return Credentials(self.username, password)
