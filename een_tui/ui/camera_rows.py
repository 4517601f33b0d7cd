"""One row of the camera list at a given width: which columns fit, the markup of a camera row
and of the column titles, and the width-aware row widgets whose canvases are kept."""

from __future__ import annotations

from dataclasses import dataclass

import urwid

from een_tui.api.model import Camera
from een_tui.ui import glyphs
from een_tui.ui.palette import focus_map, status_attr

FOCUS_MAP = focus_map()


@dataclass(frozen=True)
class Layout:
    """Which columns fit a given width, and how wide each is (0 = not shown)."""

    label: int  # status label after the symbol
    name: int
    esn: int
    bridge: int


def layout_for(width: int) -> Layout:
    """Columns for a row ``width`` cells wide: the bridge goes first, then the status label,
    then the ESN; the symbol, the recording mark and the name always stay."""
    fixed = 2 + 2  # symbol + space, recording mark + space
    label = 17 if width >= 56 else 0
    esn = 9 if width >= 36 else 0
    bridge = 9 if width >= 66 else 0
    name = max(1, width - fixed - label - esn - bridge)
    return Layout(label=label, name=name, esn=esn, bridge=bridge)


def fit_cell(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (an ellipsis marks a cut)."""
    if width <= 0:
        return ""
    if urwid.calc_width(text, 0, len(text)) <= width:
        return text + " " * (width - urwid.calc_width(text, 0, len(text)))
    mark = glyphs.current().ellipsis
    cut, _ = urwid.calc_text_pos(text, 0, len(text), max(0, width - len(mark)))
    text = text[:cut] + mark
    return text + " " * (width - urwid.calc_width(text, 0, len(text)))


def row_markup(device: Camera, width: int, marked: bool = False,
               on_disk: bool = False) -> list[tuple[str, str]]:
    """The markup of one camera row at ``width`` cells (a marked camera's name starts with
    the mark; ``on_disk``: a sign before the name, images of this camera are in the output
    folder)."""
    cols = layout_for(width)
    attr = status_attr(device.status)
    marks = glyphs.current()
    markup: list[tuple[str, str]] = [(attr, marks.status(device.status) + " ")]
    if cols.label:
        markup.append((attr, fit_cell(device.status.label, cols.label - 1) + " "))
    if device.recording is None:  # the API does not say (v3)
        markup.append(("dim", "– "))
    else:
        markup.append(("recording", marks.recording + " ") if device.recording else ("body", "  "))
    name = device.name or "(no name)"
    name_cells = cols.name
    if on_disk and name_cells > 3:
        markup.append(("ok", marks.on_disk + " "))
        name_cells -= 2
    if marked:
        name = f"{marks.marked} {name}"
    markup.append(
        ("marked" if marked else "body",
         fit_cell(name, name_cells - 1) + " " if name_cells > 1 else fit_cell(name, 1))
    )
    if cols.esn:
        markup.append(("dim", fit_cell(device.id or "-", cols.esn)))
    if cols.bridge:
        markup.append(("dim", fit_cell(device.bridges[0] if device.bridges else "-", cols.bridge)))
    return markup


def header_markup(width: int) -> list[tuple[str, str]]:
    """Column titles matching :func:`row_markup` at ``width``."""
    cols = layout_for(width)
    text = "  "
    if cols.label:
        text += fit_cell("Status", cols.label)
    text += glyphs.current().recording + " "
    text += fit_cell("Name", cols.name)
    if cols.esn:
        text += fit_cell("ESN", cols.esn)
    if cols.bridge:
        text += fit_cell("Bridge", cols.bridge)
    return [("column_title", fit_cell(text, width))]


class _WidthAwareRow(urwid.Widget):
    """A one-line flow widget whose content depends on its width. Its canvases are kept (urwid's
    own cache drops them as soon as no frame holds them), so scrolling and filtering a long list
    re-lay out no text."""

    _sizing = frozenset([urwid.Sizing.FLOW])

    def __init__(self) -> None:
        super().__init__()
        self._canvases: dict[tuple[int, bool], urwid.Canvas] = {}

    def rows(self, size: tuple[int], focus: bool = False) -> int:
        return 1

    def markup(self, width: int) -> list[tuple[str, str]]:
        """The row's markup at ``width`` cells (subclasses)."""
        raise NotImplementedError

    def render(self, size: tuple[int], focus: bool = False) -> urwid.Canvas:
        (maxcol,) = size
        canvas = self._canvases.get((maxcol, focus))
        if canvas is None:
            text = urwid.Text(self.markup(maxcol), wrap="clip")
            # every attribute of the row turns into the focus colours: the cursor must show
            widget = urwid.AttrMap(text, None, FOCUS_MAP) if focus else text
            canvas = widget.render((maxcol,), focus)
            self._canvases[(maxcol, focus)] = canvas
        return canvas


class CameraRow(_WidthAwareRow):
    """One camera: status symbol and label, recording mark, name, ESN, bridge."""

    def __init__(self, device: Camera, marked: bool = False, on_disk: bool = False) -> None:
        super().__init__()
        self.device = device  # frozen: the cached canvases never go stale
        self.marked = marked  # a row is rebuilt when its mark changes
        self.on_disk = on_disk

    def selectable(self) -> bool:
        return True

    def keypress(self, size: tuple[int], key: str) -> str:
        return key

    def markup(self, width: int) -> list[tuple[str, str]]:
        return row_markup(self.device, width, self.marked, self.on_disk)


class HeaderRow(_WidthAwareRow):
    """Column titles of the camera list."""

    def markup(self, width: int) -> list[tuple[str, str]]:
        return header_markup(width)
