"""Real pixels in terminals that can show them: kitty graphics, iTerm2 inline images and Sixel,
encoded over Pillow; detection by asking the terminal; ``blocks``/``none`` mean urwid draws."""

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
