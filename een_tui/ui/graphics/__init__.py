"""Real pixels in terminals that can show them: kitty graphics, iTerm2 inline images and Sixel,
encoded over Pillow; detection by asking the terminal; ``blocks``/``none`` mean urwid draws.

Pillow only: ``term-image`` pins ``urwid<3`` and ``pillow<12`` and has stalled, ``chafa.py``
needs the libchafa C library; kitty and iTerm2 are PNG + base64, Sixel is Pillow's palette
quantisation plus a short encoder.

Use: ``graphics = detect_graphics(option, os.environ, tty_fd)`` before urwid starts, then
``placer = ImagePlacer(graphics)``; after each redraw write ``placer.place(image, rect)``, and
``placer.erase()`` (plus a full redraw when ``placer.erase_needs_redraw``) before the screen
changes."""

from .choose import (
    CHOICES,
    PIXEL_PROTOCOLS,
    URWID_PROTOCOLS,
    Graphics,
    check_choice,
    detect_graphics,
)
from .iterm import encode_iterm
from .kitty import delete_kitty, encode_kitty
from .placement import Fit, GraphicsError, ImagePlacer, fit
from .probe import DEFAULT_CELL, Answers, CellSize, parse_answers, query_terminal, winsize_cell
from .sixel import encode_sixel
from .tmux import HOW_TO_ALLOW, in_tmux, passthrough_allowed, wrap_tmux

__all__ = [
    "CHOICES",
    "DEFAULT_CELL",
    "HOW_TO_ALLOW",
    "PIXEL_PROTOCOLS",
    "URWID_PROTOCOLS",
    "Answers",
    "CellSize",
    "Fit",
    "Graphics",
    "GraphicsError",
    "ImagePlacer",
    "check_choice",
    "delete_kitty",
    "detect_graphics",
    "encode_iterm",
    "encode_kitty",
    "encode_sixel",
    "fit",
    "in_tmux",
    "parse_answers",
    "passthrough_allowed",
    "query_terminal",
    "winsize_cell",
    "wrap_tmux",
]
