"""The secrets this process holds (passwords, session keys, API keys), so the logging set-up
and error printing can redact them. The API layer registers; :mod:`een_tui.logsetup` reads."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

_SECRETS: set[str] = set()
MIN_LENGTH = 4  # shorter values would redact ordinary words


def secret_forms(value: str) -> set[str]:
    """The spellings of ``value`` a message may hold (the raw value and its escaped forms)."""
    return {
        value,
        repr(value)[1:-1],
        ascii(value)[1:-1],
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        value.encode("unicode_escape").decode("ascii"),
        quote(value, safe=""),
        quote_plus(value, safe=""),
        quote(value),
    }


def register_secret(value: str | None) -> None:
    """Never let ``value`` (a password, an auth key, an API key) reach a log or an error, in any
    form a message can quote it: as is, ``repr``-escaped, JSON-escaped, URL-encoded."""
    if value and len(value) >= MIN_LENGTH:
        _SECRETS.update(form for form in secret_forms(value) if len(form) >= MIN_LENGTH)


def known_secrets() -> frozenset[str]:
    """Every registered secret form (for redaction)."""
    return frozenset(_SECRETS)


def redact(text: str) -> str:
    """``text`` with every registered secret (in every form) replaced by ``***``."""
    for secret in sorted(_SECRETS, key=len, reverse=True):  # longest first: forms overlap
        if secret in text:
            text = text.replace(secret, "***")
    return text
