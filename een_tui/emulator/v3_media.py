"""v3 media: live and recorded preview images."""

from __future__ import annotations

from werkzeug.routing import Rule

from een_tui.emulator.v3_auth import V3Auth
from een_tui.emulator.world import World

IMAGE_PATHS = ("/api/v3.0/media/liveImage.jpeg", "/api/v3.0/media/recordedImage.jpeg")


class V3Media:
    """``/api/v3.0/media/{liveImage,recordedImage}.jpeg``."""

    def __init__(self, world: World, auth: V3Auth) -> None:
        self.world = world
        self.auth = auth

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return []
