"""The one sanitizer for text that comes from outside (servers, files, exceptions).

Applied where server text enters the program (headers, body fragments, names, messages and
exception texts) and again, as a last line of defence, where text leaves it (the log file,
stderr). Every character a terminal could act on (C0 controls including ESC, DEL, C1 controls
such as CSI ``\\x9b``, and the other non-printable characters: bidi overrides, line and paragraph
separators) becomes a space, so ``ESC ] 0 ; title BEL`` or ``ESC [ 2 J`` can never reach a
terminal raw; what remains of the sequence (``]0;title``) is inert text.
"""

from __future__ import annotations

ELLIPSIS = "…"


def clean_text(value: object, limit: int | None = None, *, squeeze: bool = False) -> str:
    """``value`` as text a terminal only displays: non-printable characters become spaces,
    the ends are stripped, runs of white space become one space with ``squeeze``, and the
    result is cut to ``limit`` characters (ending in ``…`` when cut)."""
    text = _printable(value if isinstance(value, str) else str(value))
    text = " ".join(text.split()) if squeeze else text.strip()
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + ELLIPSIS
    return text


def clean_lines(value: object, limit: int | None = None) -> str:
    """Like :func:`clean_text` for multi-line text (a traceback): each line cleaned, newlines
    kept."""
    text = value if isinstance(value, str) else str(value)
    cleaned = "\n".join(_printable(line).rstrip() for line in text.split("\n"))
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - 1)] + ELLIPSIS
    return cleaned


def _printable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)
