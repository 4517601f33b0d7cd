"""Options written before the sub-command (``een-tui --demo cameras``): argparse parses them at
the top level and then lets the sub-command's own defaults overwrite them, silently. Here they
are honoured when the sub-command has the same option (and it was not given again after the
command), and refused with a usage error (exit 2) otherwise. Never ignored."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

IGNORED_DESTS = {"help", "version", "run"}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _option(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The option ``token`` names (exactly, or by a unique prefix as argparse allows)."""
    name = token.split("=", 1)[0]
    actions = parser._option_string_actions
    if name in actions:
        return actions[name]
    if name.startswith("--") and parser.allow_abbrev:
        matches = {actions[o] for o in actions if o.startswith(name)}
        if len(matches) == 1:
            return matches.pop()
    return None


def command_index(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int | None:
    """Where the sub-command stands in ``argv`` (None: no sub-command, the terminal UI)."""
    commands = _subcommands(parser)
    skip = False
    for index, token in enumerate(argv):
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token.startswith("-") and len(token) > 1:
            action = _option(parser, token)
            takes_value = action is not None and action.nargs not in (0, "?")
            skip = takes_value and "=" not in token
            continue
        return index if token in commands else None
    return None


def apply_early_options(parser: argparse.ArgumentParser, argv: Sequence[str],
                        args: argparse.Namespace) -> None:
    """Carry options given before the sub-command into ``args``, or ``parser.error`` (exit 2)."""
    index = command_index(parser, argv)
    if index is None:
        return
    command = argv[index]
    sub = _subcommands(parser)[command]
    early, _ = parser.parse_known_args(list(argv[:index]))
    top = {a.dest: a for a in parser._actions if a.option_strings}
    own = {a.dest: a for a in sub._actions if a.option_strings}
    for dest, action in top.items():
        if dest in IGNORED_DESTS or action.default == argparse.SUPPRESS:
            continue
        value = getattr(early, dest, action.default)
        if value == action.default:
            continue  # not given before the command
        flag = action.option_strings[-1]
        if dest not in own:
            parser.error(f"{flag} does not apply to 'een-tui {command}'")
        if _given(sub, own[dest], argv[index + 1:]):
            if getattr(args, dest) != value:  # (even when the one after is the default)
                parser.error(f"{flag} is given both before and after '{command}'")
        else:
            setattr(args, dest, value)


def _given(parser: argparse.ArgumentParser, action: argparse.Action,
           argv: Sequence[str]) -> bool:
    """Whether ``argv`` (a sub-command's own part) gives ``action``'s option."""
    return any(token.startswith("-") and _option(parser, token) is action for token in argv)
