"""Everything the handlers share: knobs, the account, login state, timelines, JPEGs, counters."""

from __future__ import annotations

import random
import secrets
import time

from een_tui.emulator.account import Account
from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.faults import FaultInjector
from een_tui.emulator.oauth import OAuthState
from een_tui.emulator.previews import PreviewRenderer, Timelines
from een_tui.emulator.sessions import LoginState
from een_tui.emulator.stats import Stats


class World:
    """The emulated service's state; one per server."""

    def __init__(self, config: EmulatorConfig, stats: Stats | None = None) -> None:
        self.config = config
        self.stats = stats or Stats()
        self.account = Account(config.seed, config.cameras)
        self.login = LoginState()
        self.oauth = OAuthState(config)
        self.renderer = PreviewRenderer()
        self.rng = random.Random(config.seed ^ 0x5EED)
        self.faults = FaultInjector(config, self.rng)
        self.started_ms = int(time.time() * 1000)
        self.timelines = Timelines(config, self.started_ms)
        self.tfa_code = config.tfa_code or (
            "1234" if config.test_mode else f"{secrets.randbelow(10000):04d}")

    @staticmethod
    def now_ms() -> int:
        """Milliseconds since the epoch, now."""
        return int(time.time() * 1000)
