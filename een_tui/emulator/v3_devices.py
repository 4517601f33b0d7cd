"""v3 users, cameras and bridges."""

from __future__ import annotations

from werkzeug.routing import Rule

from een_tui.emulator.v3_auth import V3Auth
from een_tui.emulator.world import World


class V3Devices:
    """``/api/v3.0/{users/self,cameras,bridges}``."""

    def __init__(self, world: World, auth: V3Auth) -> None:
        self.world = world
        self.auth = auth

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return []
