"""A fake in-memory preview source for the engine's unit tests (no HTTP): real Pillow JPEGs,
programmable faults, and a count of requests in flight."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import gevent
from PIL import Image

from een_tui.api.backend import PreviewPlan
from een_tui.api.client import ImageHeaders
from een_tui.api.devices import Device
from een_tui.api.errors import NoMatchingAsset
from een_tui.api.model import Camera
from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import ms_to_een_timestamp
from een_tui.api.v1_plan import build_plan, plan_by_listing

BASE_MS = 1_700_000_000_000


def make_jpeg(seed: int, size: tuple[int, int] = (32, 24)) -> bytes:
    """A small real JPEG whose colour depends on ``seed``."""
    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def make_device(
    esn: str = "1000c4ae",
    *,
    status_bits: int = 0x1E003F,
    name: str = "Lobby",
    status: CameraStatus = CameraStatus.ONLINE,
    type_: str = "camera",
) -> Camera:
    return Camera.from_v1(Device(
        id=esn, name=name, type=type_, status=status, recording=True, status_bits=status_bits
    ))


Fault = Callable[[str, str, int], BaseException | str | None]
"""(esn, timestamp, attempt) -> an exception to raise, "truncate", "nonjpeg", or None."""


@dataclass
class FakeSource:
    """Frames one per second, newest first; ``fault`` decides the fate of each request."""

    frames: int = 200
    latency_s: float = 0.0
    fault: Fault | None = None
    chunk_size: int = 256
    answer_timestamp: Callable[[str], str | None] | None = None  # X-Ee-Timestamp override
    list_error: BaseException | None = None
    list_transform: Callable[[list[str]], list] | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    requests: int = 0
    attempts: dict[str, int] = field(default_factory=dict)
    stamps: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stamps = [ms_to_een_timestamp(BASE_MS - i * 1000) for i in range(self.frames)]
        self.bodies = {s: make_jpeg(i) for i, s in enumerate(self.stamps)}

    def list_image_timestamps(self, esn: str, *, count: int, start: str = "now") -> list[str]:
        if self.list_error is not None:
            raise self.list_error
        older = [s for s in self.stamps if start == "now" or s < start]
        result = older[: abs(count)]
        return self.list_transform(result) if self.list_transform else result

    def plan_previews(self, esn, count, *, before=None, exclude=(), call=None) -> PreviewPlan:
        """The v1 planner's rules over this fake (as :class:`V1Backend` plans)."""
        if before is not None:
            stamps = plan_by_listing(self, esn, count, start=before, exclude=exclude)
            return PreviewPlan(esn=esn, timestamps=tuple(stamps), source="list")
        return build_plan(self, esn, count, call=call)

    @contextmanager
    def open_image(
        self, esn: str, timestamp: str
    ) -> Iterator[tuple[ImageHeaders, Iterator[bytes]]]:
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            stamp = self.stamps[0] if timestamp == "now" else timestamp
            attempt = self.attempts[stamp] = self.attempts.get(stamp, 0) + 1
            if self.latency_s:
                gevent.sleep(self.latency_s)
            fate = self.fault(esn, stamp, attempt) if self.fault else None
            if isinstance(fate, BaseException):
                raise fate
            if stamp not in self.bodies:
                raise NoMatchingAsset("no matching asset", status_code=400)
            body = self.bodies[stamp]
            length = len(body)
            if fate == "nonjpeg":
                body = b"<html>oops</html>"
                length = len(body)
            elif fate == "truncate":
                body = body[: length // 2]
            index = self.stamps.index(stamp)
            answered = self.answer_timestamp(stamp) if self.answer_timestamp else stamp
            headers = ImageHeaders(
                timestamp=answered,
                prev=self.stamps[index + 1] if index + 1 < len(self.stamps) else None,
                next=self.stamps[index - 1] if index > 0 else None,
                content_type="image/jpeg",
                content_length=length,
            )
            yield headers, self._chunks(body)
        finally:
            self.in_flight -= 1

    def _chunks(self, body: bytes) -> Iterator[bytes]:
        for i in range(0, len(body), self.chunk_size):
            if self.latency_s:
                gevent.sleep(0)
            yield body[i : i + self.chunk_size]
