"""The terminal UI: urwid on a gevent event loop (:mod:`.eventloop`), the app (:mod:`.app`) with
one controller per job (:mod:`.cameras_controller`, :mod:`.download_controller`), one module per
screen or widget, the palette, the glyph sets (:mod:`.glyphs`), the key table (:mod:`.keymap`)."""
