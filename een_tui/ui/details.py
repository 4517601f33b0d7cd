"""The camera details overlay: decoded status bits, bridge, timezone, tags."""

from __future__ import annotations

from collections.abc import Callable

import urwid

from een_tui.api.devices import Device
from een_tui.api.status import set_bit_names
from een_tui.ui.palette import status_attr


def details_rows(device: Device) -> list[tuple[str, list | tuple]]:
    """``(label, value markup)`` for everything worth knowing about one camera."""
    bits = device.status_bits
    status: list = [(status_attr(device.status), f"{device.status.symbol} {device.status.label}")]
    if device.recording:
        status.append(("recording", "  ◉ recording"))
    download = (
        ("ok", "possible")
        if device.usable
        else ("error", f"not possible: {device.unusable_reason}")
    )
    return [
        ("Name", ("body", device.name)),
        ("ESN", ("body", device.id or "(none)")),
        ("Type", ("body", device.type)),
        ("Status", status),
        ("Status bits", ("body", f"0x{bits:06x}  {', '.join(set_bit_names(bits)) or 'none'}")),
        ("Download", download),
        ("Bridge", ("body", ", ".join(device.bridges) or "-")),
        ("Service", ("body", device.service_status or "-")),
        ("Timezone", ("body", device.timezone or "-")),
        ("IP address", ("body", device.ip_address or "-")),
        ("Tags", ("body", ", ".join(device.tags) or "-")),
        ("Account", ("body", device.account_id or "-")),
    ]


def details_markup(device: Device) -> list:
    """The details as one Text markup (label, value, newline...)."""
    markup: list = []
    for label, value in details_rows(device):
        markup.append(("title", f"{label:<12}"))
        markup.extend(value if isinstance(value, list) else [value])
        markup.append(("body", "\n"))
    return markup[:-1]


class DetailsOverlay(urwid.WidgetWrap):
    """Details of one camera above the list; any key closes it (Enter downloads)."""

    def __init__(
        self, under: urwid.Widget, device: Device, on_close: Callable[[str | None], None]
    ) -> None:
        self.device = device
        self._on_close = on_close
        rows = [
            urwid.Columns([(12, urwid.Text(("title", label))), urwid.Text(value)])
            for label, value in details_rows(device)
        ]
        body = urwid.Pile(
            [
                *rows,
                urwid.Divider(),
                urwid.Text(("dim", "Enter download · any other key closes")),
            ]
        )
        box = urwid.LineBox(urwid.Filler(body, valign="top"), title="Camera details")
        overlay = urwid.Overlay(
            box,
            under,
            align="center",
            width=("relative", 90),
            valign="middle",
            height=("relative", 90),
            min_width=20,
        )
        super().__init__(overlay)

    def selectable(self) -> bool:
        return True

    def keypress(self, size, key):
        self._on_close(key)
        return None
