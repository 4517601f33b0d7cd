"""Request counters of the emulator: by endpoint and status, images in flight, connections,
secrets seen in URLs."""

from __future__ import annotations

from collections import defaultdict
from threading import Lock


class Stats:
    """Thread/greenlet-safe counters; :meth:`snapshot` is the JSON of ``GET /_emulator/stats``."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._requests: defaultdict[str, defaultdict[str, int]] = defaultdict(
            lambda: defaultdict(int))
        self.images_in_flight = 0
        self.images_in_flight_max = 0
        self.v3_images_in_flight = 0
        self.v3_images_in_flight_max = 0
        self.connections_opened = 0
        self.secrets_in_urls = 0
        self._secret_kinds: defaultdict[str, int] = defaultdict(int)

    def record(self, endpoint: str, status: str) -> None:
        """Count one answer (``status`` is the code as a string, or ``reset``)."""
        with self._lock:
            self._requests[endpoint][status] += 1

    def image_started(self, v3: bool = False) -> None:
        """An image request (v1 or v3; both count in ``images_in_flight``) started."""
        with self._lock:
            self.images_in_flight += 1
            self.images_in_flight_max = max(self.images_in_flight_max, self.images_in_flight)
            if v3:
                self.v3_images_in_flight += 1
                self.v3_images_in_flight_max = max(self.v3_images_in_flight_max,
                                                   self.v3_images_in_flight)

    def image_finished(self, v3: bool = False) -> None:
        """An image request's answer was fully sent, or its connection dropped."""
        with self._lock:
            self.images_in_flight -= 1
            if v3:
                self.v3_images_in_flight -= 1

    def secret_in_url(self, kinds: list[str]) -> None:
        """Secrets (access/refresh token, code, client secret) were seen in a request URL."""
        with self._lock:
            self.secrets_in_urls += len(kinds)
            for kind in kinds:
                self._secret_kinds[kind] += 1

    def connection_opened(self) -> None:
        """A TCP connection was accepted."""
        with self._lock:
            self.connections_opened += 1

    def count(self, endpoint: str, status: str | None = None) -> int:
        """Answers counted for ``endpoint`` (e.g. ``GET /g/device/list``), optionally one status."""
        with self._lock:
            by_status = self._requests.get(endpoint, {})
            if status is None:
                return sum(by_status.values())
            return by_status.get(status, 0)

    def snapshot(self) -> dict[str, object]:
        """A JSON-ready copy of every counter."""
        with self._lock:
            return {
                "requests": {k: dict(v) for k, v in self._requests.items()},
                "images_in_flight": self.images_in_flight,
                "images_in_flight_max": self.images_in_flight_max,
                "connections_opened": self.connections_opened,
                "v3_images_in_flight": self.v3_images_in_flight,
                "v3_images_in_flight_max": self.v3_images_in_flight_max,
                "secrets_in_urls": self.secrets_in_urls,
                "secrets_in_urls_by_kind": dict(self._secret_kinds),
            }

    def reset(self) -> None:
        """Zero the counters (images still in flight stay counted)."""
        with self._lock:
            self._requests.clear()
            self.images_in_flight_max = self.images_in_flight
            self.v3_images_in_flight_max = self.v3_images_in_flight
            self.connections_opened = 0
