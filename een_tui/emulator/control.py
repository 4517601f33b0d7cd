"""The emulator's own endpoints: ``/_emulator/stats`` (GET the counters, DELETE to zero them)."""

from __future__ import annotations

from werkzeug.routing import Rule

from een_tui.emulator.calls import Call
from een_tui.emulator.replies import Reply, empty_reply, json_reply
from een_tui.emulator.world import World


class Control:
    """Stats for tests and benches (not counted in the stats themselves)."""

    def __init__(self, world: World) -> None:
        self.world = world

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return [Rule("/_emulator/stats", methods=["GET"], endpoint=self.stats),
                Rule("/_emulator/stats", methods=["DELETE"], endpoint=self.reset)]

    def stats(self, call: Call) -> Reply:
        """``GET /_emulator/stats``."""
        return json_reply(self.world.stats.snapshot())

    def reset(self, call: Call) -> Reply:
        """``DELETE /_emulator/stats``: zero the counters."""
        self.world.stats.reset()
        return empty_reply(204)
