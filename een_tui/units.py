"""Quantities written for people."""

from __future__ import annotations


def human_bytes(count: float) -> str:
    """``512`` -> ``512 B``, ``1536`` -> ``1.5 KB``, up to GB."""
    for unit in ("B", "KB", "MB"):
        if abs(count) < 1024:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"


def human_duration(seconds: float) -> str:
    """``45`` -> ``45 s``, ``3480`` -> ``58 min``, ``7200`` -> ``2 h`` (rounded up)."""
    seconds = max(0.0, float(seconds))
    if seconds < 90:
        return f"{-(-seconds // 1):.0f} s"
    if seconds < 90 * 60:
        return f"{-(-seconds // 60):.0f} min"
    return f"{seconds / 3600:.1f} h".replace(".0 h", " h")
