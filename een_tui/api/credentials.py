"""Where the user name and password come from: flags, environment, a file, or a prompt.

There is deliberately no ``--password`` flag: it would show in ``ps`` and in shell history."""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from een_tui.api.errors import ConfigurationError, MissingCredentials, MissingUsername

log = logging.getLogger(__name__)

MAX_PASSWORD_FILE_BYTES = 4096
Warn = Callable[[str], None]


def check_secret(value: str, what: str, *,
                 error: type[ConfigurationError] = ConfigurationError) -> str:
    """``value`` unchanged, or ``error`` (which never quotes it) when it starts or ends with
    white space or holds a control character: a pasted newline, a stray space. Such a value
    would be refused by the HTTP layer with a message that repeats it."""
    if value != value.strip():
        raise error(f"{what} starts or ends with white space (a stray space or newline?); "
                    "fix it (the value is not shown)")
    if any(not ch.isprintable() for ch in value):
        raise error(f"{what} holds a control character; fix it (the value is not shown)")
    return value


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


def ask_line(prompt: str) -> str:
    """A line typed on the terminal after ``prompt``. The prompt goes to the terminal itself
    (``/dev/tty``), else to stderr: never to stdout, which may be data (``--json > file``)."""
    try:
        with open("/dev/tty", "w", encoding="utf-8", errors="replace") as tty:
            tty.write(prompt)
            tty.flush()
    except OSError:
        sys.stderr.write(prompt)
        sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def ask_hidden(prompt: str) -> str:
    """A line typed on the terminal after ``prompt``, not echoed (:func:`getpass.getpass`)."""
    import getpass  # it loads termios: imported for a prompt only

    return getpass.getpass(prompt)


def read_password_file(path: str | os.PathLike[str], *, warn: Warn | None = None) -> str:
    """The first line of ``path`` (its line ending removed), read with a size bound (a
    ``/dev/zero`` is an error, not an endless read). Like ssh, ``warn`` when a regular file is
    readable by group or others. Clear errors for bad files; the password is never quoted."""
    file = Path(path)
    try:
        with open(file, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            data = handle.read(MAX_PASSWORD_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise MissingCredentials(f"the password file {file} does not exist") from exc
    except OSError as exc:
        raise MissingCredentials(
            f"cannot read the password file {file}: {exc.__class__.__name__}") from exc
    if len(data) > MAX_PASSWORD_FILE_BYTES:
        raise MissingCredentials(f"the password file {file} is too large to be a password file "
                                 f"(more than {MAX_PASSWORD_FILE_BYTES} bytes)")
    if stat.S_ISREG(mode) and mode & 0o044:
        (warn or log.warning)(
            f"WARNING: permissions {stat.S_IMODE(mode):04o} for '{file}' are too open: "
            "other users may read the password (chmod 600 it)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MissingCredentials(
            f"cannot read the password file {file}: not UTF-8 text") from exc
    lines = text.splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise MissingCredentials(f"the password file {file} is empty")
    return check_secret(password, f"the password in {file}", error=MissingCredentials)


@dataclass
class CredentialSource:
    """Resolves credentials lazily, so a cached session needs no password at all."""

    username: str | None = None  # from --username / EEN_USERNAME / config file
    password_file: str | None = None  # --password-file
    environ: dict[str, str] | None = None
    can_prompt: bool = True
    is_terminal: Callable[[], bool] = stdin_is_terminal
    ask_username: Callable[[str], str] = ask_line  # the prompt never goes to stdout (data)
    ask_password: Callable[[str], str] = ask_hidden
    warn: Warn | None = None  # where a person sees warnings (e.g. a too open password file)

    def __post_init__(self) -> None:
        self._warned: set[str] = set()

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
            except EOFError:  # Ctrl+D
                raise MissingCredentials("no EEN user name entered (end of input)") from None
            if name:
                self.username = name
                return name
        raise MissingUsername("no EEN user name: set EEN_USERNAME or use --username")

    def non_interactive_password(self) -> str | None:
        """The password from ``--password-file`` or ``EEN_PASSWORD``, without prompting."""
        if self.password_file:
            return read_password_file(self.password_file, warn=self._warn_once)
        password = self._env("EEN_PASSWORD")
        if password is not None:
            check_secret(password, "EEN_PASSWORD", error=MissingCredentials)
        return password

    def _warn_once(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        (self.warn or log.warning)(message)

    def resolve(self) -> Credentials:
        """User name and password; prompts (getpass) only when stdin is a terminal."""
        username = self.resolve_username()
        password = self.non_interactive_password()
        if password is None and self._prompt_allowed():
            try:
                password = self.ask_password(f"EEN password for {username}: ")
            except EOFError:  # Ctrl+D
                raise MissingCredentials("no EEN password entered (end of input)") from None
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
