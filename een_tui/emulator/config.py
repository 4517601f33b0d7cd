"""Knobs of the emulator: one mutable dataclass, read per request so tests may change it live."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_V3_CLIENT_ID = "een-tui-demo-client"
DEMO_V3_CLIENT_SECRET = "een-tui-demo-secret"  # a demo value, like the demo password
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1:3333/callback", "http://127.0.0.1:3333")


@dataclass
class EmulatorConfig:
    """Every knob of the EEN emulator (v1 and v3).

    Rates are probabilities in ``[0, 1]`` per request on the fault paths (``fault_paths``, image
    endpoints by default).  Times are milliseconds unless the name ends in ``_s``.
    """

    seed: int = 1
    test_mode: bool = False
    latency_ms: float = 0.0  # base latency of every request
    jitter_ms: float = 0.0  # plus a uniform random 0..jitter_ms
    image_latency_ms: float = 0.0  # extra latency of image requests (before the headers)
    fault_5xx: float = 0.0  # 500/502/503/504 with the real JSON error bodies
    fault_401: float = 0.0  # 401 "session expired" mid-session
    fault_429: float = 0.0  # starts a burst of 429s lasting retry_after_s
    retry_after_s: float = 1.0  # Retry-After of the 429 answers (and the burst length)
    fault_reset: float = 0.0  # TCP reset (RST) before any byte of the answer
    fault_truncate: float = 0.0  # full Content-Length, half the body, then close
    fault_non_jpeg: float = 0.0  # 200 image/jpeg answer whose body is not a JPEG
    session_lifetime_s: float = 14400.0  # cookie Max-Age is this minus one second
    preview_interval_ms: int = 1000  # one preview frame about every interval per online camera
    cameras: int | None = None  # None = the ~95-device demo account; N = N cameras (+ bridges)
    fault_paths: tuple[str, ...] = ("/asset/", "/api/v3.0/media/")  # where the faults apply
    fault_401_invalidates: bool = False  # a faulted 401 also ends the session (recording: not)
    token_lifetime_s: float = 30.0  # authenticate token (single use)
    tfa_token_lifetime_s: float = 900.0  # token when two-factor authentication is on
    history_s: float = 86400.0  # how far back each online camera's preview timeline goes
    proxy_timeout_s: float | None = None  # delay of the 504 for Internet-Offline cameras
    tfa_code: str | None = None  # None: "1234" in test_mode, else random per server
    # -- v3 (OAuth2 and /api/v3.0) -----------------------------------------------------------
    v3_client_id: str = DEMO_V3_CLIENT_ID
    v3_client_secret: str = DEMO_V3_CLIENT_SECRET
    v3_redirect_uris: tuple[str, ...] = DEFAULT_REDIRECT_URIS  # compared as strings, like EEN
    v3_code_lifetime_s: float = 300.0  # authorization codes live 5 minutes, single use
    v3_access_token_lifetime_s: float = 43200.0  # access tokens: up to 12 h
    v3_max_page_size: int = 50  # pageSize is clamped to 1..this ("might be further limited")
    v3_timestamps_z: bool = False  # X-Een-Timestamp ends in Z instead of +00:00 (both are seen)

    @property
    def effective_proxy_timeout_s(self) -> float:
        """Delay before the proxy-timeout answer: short in test mode, realistic otherwise."""
        if self.proxy_timeout_s is not None:
            return self.proxy_timeout_s
        return 0.05 if self.test_mode else 10.0
