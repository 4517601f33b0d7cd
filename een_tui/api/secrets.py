"""The secrets this process holds (passwords, session keys, API keys), so the logging set-up
can redact them. The API layer registers; :mod:`een_tui.logsetup` reads. Nothing else."""

from __future__ import annotations

_SECRETS: set[str] = set()
MIN_LENGTH = 4  # shorter values would redact ordinary words


def register_secret(value: str | None) -> None:
    """Never let ``value`` (a password, an auth key, an API key) reach a log."""
    if value and len(value) >= MIN_LENGTH:
        _SECRETS.add(value)


def known_secrets() -> frozenset[str]:
    """Every registered secret (for redaction)."""
    return frozenset(_SECRETS)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text
