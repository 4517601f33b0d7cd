"""Making pictures from downloaded frames: a timelapse (GIF, WebP, MP4) and a contact sheet.

Library code: it raises :class:`~een_tui.media.errors.MediaError` subclasses and never prints."""
