"""Quantities written for people."""

from __future__ import annotations


def human_bytes(count: float) -> str:
    """``512`` -> ``512 B``, ``1536`` -> ``1.5 KB``, up to GB."""
    for unit in ("B", "KB", "MB"):
        if abs(count) < 1024:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"
