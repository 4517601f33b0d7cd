"""The terminal UI: urwid on a gevent event loop (:mod:`.eventloop`), the app controller
(:mod:`.app`), one module per screen or widget, the palette and the key table."""
