"""The camera list: a lazy list walker over thousands of cameras.

Rows are built only when the ListBox asks for them (what is on screen), and filtering or sorting
only rebuilds a list of indexes over orders computed once per device list: typing in the filter of
a 10,000-camera account costs a few milliseconds, not a new widget tree per keystroke."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import urwid

from een_tui.api.model import Camera
from een_tui.api.status import STATUS_ORDER, CameraStatus
from een_tui.ui import glyphs
from een_tui.ui.camera_marks import Marks
from een_tui.ui.palette import focus_map, status_attr

SORT_MODES = ("status", "name", "esn")
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


class CameraWalker(urwid.ListWalker):
    """Lazy walker: positions are indexes into the current view (filtered and sorted)."""

    def __init__(self, devices: Sequence[Camera] = ()) -> None:
        self.focus = 0
        self.sort_mode = SORT_MODES[0]
        self.filter_text = ""
        self.online_only = False
        self._devices: list[Camera] = []
        self._search: list[str] = []
        self._orders: dict[str, list[int]] = {}
        self._view: list[int] = []
        self._counts: Counter = Counter()
        self._rows: dict[int, CameraRow] = {}
        self.marked = Marks()  # for a download of several
        self.on_disk: frozenset[str] = frozenset()
        self.set_devices(devices)

    # ---- data ---------------------------------------------------------------------------------

    def set_devices(self, devices: Iterable[Camera]) -> None:
        """Replace the cameras (bridges and other devices are left out); keeps the focus camera."""
        current = self.focused_device
        self._devices = [d for d in devices if d.is_camera]
        self.marked.keep_only(self._devices)
        self._search = [f"{d.name}\0{d.id or ''}".casefold() for d in self._devices]
        self._counts = Counter(d.status for d in self._devices)
        self._orders = {}
        self._rows = {}
        self._rebuild(keep=current)

    def set_on_disk(self, esns: Iterable[str]) -> None:
        """Mark the cameras (by ESN, any case) that have images in the output folder."""
        marked = frozenset(esn.lower() for esn in esns)
        if marked != self.on_disk:
            self.on_disk = marked
            self._rows = {}
            self._modified()

    def _order(self, mode: str) -> list[int]:
        order = self._orders.get(mode)
        if order is None:
            devs = self._devices
            if mode == "name":
                key = lambda i: (devs[i].name.casefold(), devs[i].id or "")  # noqa: E731
            elif mode == "esn":
                key = lambda i: (devs[i].id or "\uffff", devs[i].name.casefold())  # noqa: E731
            else:
                key = lambda i: (  # noqa: E731
                    STATUS_ORDER[devs[i].status],
                    devs[i].name.casefold(),
                    devs[i].id or "",
                )
            order = sorted(range(len(devs)), key=key)
            self._orders[mode] = order
        return order

    def _rebuild(self, keep: Camera | None = None) -> None:
        needle = self.filter_text.casefold()
        search = self._search
        devs = self._devices
        view = self._order(self.sort_mode)
        if needle:
            view = [i for i in view if needle in search[i]]
        if self.online_only:
            view = [i for i in view if devs[i].status is CameraStatus.ONLINE]
        self._view = view
        self.focus = 0
        if keep is not None:
            for pos, index in enumerate(view):
                if devs[index] is keep:
                    self.focus = pos
                    break
        self._modified()

    def set_filter(self, text: str) -> None:
        """Show only cameras whose name or ESN contains ``text`` (case-insensitive)."""
        if text != self.filter_text:
            self.filter_text = text
            self._rebuild(keep=self.focused_device)

    def cycle_sort(self) -> str:
        """Next sort mode (status, name, ESN); returns its name."""
        self.sort_mode = SORT_MODES[(SORT_MODES.index(self.sort_mode) + 1) % len(SORT_MODES)]
        self._rebuild(keep=self.focused_device)
        return self.sort_mode

    def toggle_online_only(self) -> bool:
        """Show online cameras only, or all again; returns the new setting."""
        self.online_only = not self.online_only
        self._rebuild(keep=self.focused_device)
        return self.online_only

    def toggle_mark(self) -> bool | None:
        """Mark or unmark the camera under the cursor; its new state (None: no camera)."""
        state = self.marked.toggle(self.focused_device)
        self._forget_rows()
        return state

    def mark_shown(self) -> int:
        """Mark every shown camera that can be downloaded from (all marked: unmark them)."""
        count = self.marked.mark_all(self._devices[i] for i in self._view)
        self._forget_rows()
        return count

    def _forget_rows(self) -> None:
        self._rows = {}
        self._modified()

    @property
    def marked_devices(self) -> list[Camera]:
        """The marked cameras, in the account's order."""
        return self.marked.chosen(self._devices)

    # ---- information --------------------------------------------------------------------------

    @property
    def devices(self) -> list[Camera]:
        """Every camera (unfiltered)."""
        return self._devices

    @property
    def visible_count(self) -> int:
        """How many cameras pass the filter and the online-only switch."""
        return len(self._view)

    def status_counts(self) -> Counter:
        """How many cameras have each status (unfiltered; counted once per device list)."""
        return self._counts

    @property
    def focused_device(self) -> Camera | None:
        """The camera under the cursor (None when the list is empty)."""
        if 0 <= self.focus < len(self._view):
            return self._devices[self._view[self.focus]]
        return None

    # ---- ListWalker protocol ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._view)

    def __getitem__(self, position: int) -> CameraRow:
        if not isinstance(position, int) or not 0 <= position < len(self._view):
            raise IndexError(position)
        index = self._view[position]
        row = self._rows.get(index)
        if row is None:
            device = self._devices[index]
            on_disk = (device.id or "").lower() in self.on_disk
            row = self._rows[index] = CameraRow(device, device.id in self.marked, on_disk)
        return row

    def next_position(self, position: int) -> int:
        if position + 1 >= len(self._view):
            raise IndexError(position)
        return position + 1

    def prev_position(self, position: int) -> int:
        if position <= 0:
            raise IndexError(position)
        return position - 1

    def set_focus(self, position: int) -> None:
        if not 0 <= position < len(self._view):
            raise IndexError(position)
        self.focus = position
        self._modified()

    def positions(self, reverse: bool = False) -> Iterable[int]:
        return range(len(self._view) - 1, -1, -1) if reverse else range(len(self._view))


class CameraList(urwid.WidgetWrap):
    """The column titles above a ListBox over a :class:`CameraWalker`; an empty-list note."""

    def __init__(self, devices: Sequence[Camera] = ()) -> None:
        self.walker = CameraWalker(devices)
        self.listbox = urwid.ListBox(self.walker)
        self._empty = urwid.Filler(urwid.Text(("dim", ""), align="center"), valign="top")
        self._body = urwid.WidgetPlaceholder(self.listbox)
        self._pile = urwid.Pile([("pack", HeaderRow()), self._body])
        self._pile.focus_position = 1
        super().__init__(self._pile)
        urwid.connect_signal(self.walker, "modified", self._update_empty)
        self._update_empty()

    def _update_empty(self) -> None:
        if len(self.walker):
            if self._body.original_widget is not self.listbox:
                self._body.original_widget = self.listbox
            return
        if not self.walker.devices:
            note = "no cameras in this account"
        elif self.walker.filter_text:
            marks = glyphs.current()
            wanted = f"{marks.left_quote}{self.walker.filter_text}{marks.right_quote}"
            note = f"no camera matches {wanted}"
        else:
            note = "no camera is online"
        self._empty.original_widget.set_text(("dim", note))
        self._body.original_widget = self._empty

    def selectable(self) -> bool:
        return True

    @property
    def selected(self) -> Camera | None:
        """The camera under the cursor."""
        return self.walker.focused_device

    def move(self, size: tuple[int, int], command: str) -> None:
        """Move the cursor: ``cursor_up``, ``cursor_down``, ``page_up``, ``page_down``,
        ``top`` or ``bottom``."""
        count = len(self.walker)
        if not count:
            return
        if command == "top":
            self.listbox.set_focus(0, coming_from="below")
            self.listbox.set_focus_valign("top")
        elif command == "bottom":
            self.listbox.set_focus(count - 1, coming_from="above")
            self.listbox.set_focus_valign("bottom")
        else:
            key = {
                "cursor_up": "up",
                "cursor_down": "down",
                "page_up": "page up",
                "page_down": "page down",
            }[command]
            maxcol, maxrow = size
            self.listbox.keypress((maxcol, max(1, maxrow - 1)), key)
