"""The camera details overlay: decoded status bits, bridge, timezone, tags."""

from __future__ import annotations

from collections.abc import Callable

import urwid

from een_tui.api.model import Camera
from een_tui.api.status import set_bit_names
from een_tui.ui import glyphs
from een_tui.ui.overlay import ScrollOverlay
from een_tui.ui.palette import status_attr

LABEL_WIDTH = 12


def details_rows(device: Camera) -> list[tuple[str, list | tuple]]:
    """``(label, value markup)`` for everything worth knowing about one camera."""
    bits = device.status_bits
    extra = device.extra
    marks = glyphs.current()
    status: list = [
        (status_attr(device.status), f"{marks.status(device.status)} {device.status.label}")
    ]
    if device.recording:
        status.append(("recording", f"  {marks.recording} recording"))
    elif device.recording is None:
        status.append(("dim", "  recording: –"))
    if bits is not None:
        raw = f"0x{bits:06x}  {', '.join(set_bit_names(bits)) or 'none'}"
    else:
        raw = device.raw_status_text
    download = (
        ("ok", "possible")
        if device.usable
        else ("error", f"not possible: {device.unusable_reason}")
    )
    return [
        ("Name", ("body", device.name)),
        ("ESN", ("body", device.id or "(none)")),
        ("Type", ("body", device.kind)),
        ("Status", status),
        ("Status bits" if bits is not None else "API status", ("body", raw)),
        ("Download", download),
        ("Bridge", ("body", ", ".join(device.bridges) or "-")),
        ("Service", ("body", _text(extra.get("service_status")))),
        ("Timezone", ("body", device.timezone or "-")),
        ("IP address", ("body", _text(extra.get("ip_address")))),
        ("Tags", ("body", ", ".join(device.tags) or "-")),
        ("Account", ("body", _text(extra.get("account_id")))),
    ]


def _text(value: object) -> str:
    return str(value) if value else "-"


class DetailsOverlay(ScrollOverlay):
    """Details of one camera above the list; arrows scroll, any other key closes it
    (``on_close`` gets the key: Enter downloads)."""

    def __init__(
        self, under: urwid.Widget, device: Camera, on_close: Callable[[str], None]
    ) -> None:
        self.device = device
        rows = [
            urwid.Columns([(LABEL_WIDTH, urwid.Text(("title", label))), urwid.Text(value)])
            for label, value in details_rows(device)
        ]
        closing = "Enter download · any other key closes" if device.usable else "any key closes"
        super().__init__(
            under,
            [*rows, urwid.Divider(), urwid.Text(("dim", closing))],
            title="Camera details",
            on_close=on_close,
            footer_hints=[("Enter", "download"), ("Esc", "close")]
            if device.usable
            else [("Esc", "close")],
        )
