"""Request counters of the emulator: by endpoint and status, images in flight, connections."""

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
        self.connections_opened = 0

    def record(self, endpoint: str, status: str) -> None:
        """Count one answer (``status`` is the code as a string, or ``reset``)."""
        with self._lock:
            self._requests[endpoint][status] += 1

    def image_started(self) -> None:
        """An image request started being handled."""
        with self._lock:
            self.images_in_flight += 1
            self.images_in_flight_max = max(self.images_in_flight_max, self.images_in_flight)

    def image_finished(self) -> None:
        """An image request's answer was fully sent, or its connection dropped."""
        with self._lock:
            self.images_in_flight -= 1

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
            }

    def reset(self) -> None:
        """Zero the counters (images still in flight stay counted)."""
        with self._lock:
            self._requests.clear()
            self.images_in_flight_max = self.images_in_flight
            self.connections_opened = 0
