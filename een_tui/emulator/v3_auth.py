"""v3 auth host: ``/oauth2/authorize`` (login page), ``/oauth2/token``, ``/oauth2/revoke``."""

from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from een_tui.emulator.world import World


class V3Auth:
    """The OAuth2 endpoints and the bearer check of the v3 API."""

    def __init__(self, world: World) -> None:
        self.world = world

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return []

    @staticmethod
    def bearer(request: Request) -> str | None:
        """The bearer token of the request, if any."""
        header = request.headers.get("Authorization", "")
        return header[7:].strip() or None if header.startswith("Bearer ") else None
