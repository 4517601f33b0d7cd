"""Fault injection: which fault (if any) a request on a fault path gets."""

from __future__ import annotations

import enum
import math
import random
import time
from dataclasses import dataclass

from een_tui.emulator.config import EmulatorConfig

SERVER_ERRORS: dict[int, str] = {
    500: "internal server error",
    502: "bad gateway, please try again",
    503: "service unavailable, please try again",
    504: "gateway timeout, please try again",
}
RATE_LIMIT_MESSAGE = "exceeded the maximum requests per second, please slow down"


class FaultKind(enum.Enum):
    """The kinds of fault the emulator can inject."""

    RESET = "reset"
    RATE_LIMITED = "429"
    SERVER_ERROR = "5xx"
    SESSION_EXPIRED = "401"
    TRUNCATE = "truncate"
    NON_JPEG = "non_jpeg"


@dataclass(frozen=True)
class Fault:
    """One injected fault; ``status``/``retry_after`` only for the error answers."""

    kind: FaultKind
    status: int = 0
    retry_after: str | None = None


class FaultInjector:
    """Rolls the configured fault rates per request; 429s come in bursts of ``retry_after_s``."""

    def __init__(self, config: EmulatorConfig, rng: random.Random) -> None:
        self.config = config
        self.rng = rng
        self._burst_until = 0.0

    def applies(self, path: str) -> bool:
        """True when the fault knobs apply to ``path``."""
        return any(path.startswith(prefix) for prefix in self.config.fault_paths)

    def before(self, path: str) -> Fault | None:
        """A fault that replaces the answer entirely, or None."""
        if not self.applies(path):
            return None
        cfg = self.config
        now = time.monotonic()
        if now < self._burst_until:
            return Fault(FaultKind.RATE_LIMITED, 429, self._retry_after(self._burst_until - now))
        if self._roll(cfg.fault_reset):
            return Fault(FaultKind.RESET)
        if self._roll(cfg.fault_429):
            self._burst_until = now + cfg.retry_after_s
            return Fault(FaultKind.RATE_LIMITED, 429, self._retry_after(cfg.retry_after_s))
        if self._roll(cfg.fault_5xx):
            return Fault(FaultKind.SERVER_ERROR, self.rng.choice(sorted(SERVER_ERRORS)))
        if self._roll(cfg.fault_401):
            return Fault(FaultKind.SESSION_EXPIRED, 401)
        return None

    def after(self, path: str) -> Fault | None:
        """A fault that spoils a successful image answer (truncated or non-JPEG body), or None."""
        if not self.applies(path):
            return None
        if self._roll(self.config.fault_truncate):
            return Fault(FaultKind.TRUNCATE)
        if self._roll(self.config.fault_non_jpeg):
            return Fault(FaultKind.NON_JPEG)
        return None

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate

    def _retry_after(self, seconds: float) -> str:
        """Whole seconds (rounded up) as HTTP wants; sub-second configs keep a decimal value."""
        if self.config.retry_after_s >= 1:
            return str(max(1, math.ceil(seconds)))
        return f"{max(seconds, 0.001):.3f}".rstrip("0").rstrip(".")
