"""Preview timelines and their JPEGs.

A frame is a pure function of (camera, index): its time comes from the timeline's arithmetic and
its picture is drawn on demand, so hours of history cost no memory; only an LRU of recently
encoded JPEGs is kept.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from PIL import Image, ImageDraw, ImageFont

from een_tui.api.timestamps import ms_to_een_timestamp
from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.devices import Device

ON_DEMAND_FRAMES = 6  # recorded previews of an onDemand camera (a short burst before start-up)


def _hash_int(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True)
class Timeline:
    """The preview frames of one camera: frame ``k`` is at ``origin_ms + k*interval + jitter(k)``.

    Frames exist from index 0 (``origin_ms``, the start of history) up to the latest one that is
    not in the future.  The jitter is a few milliseconds, so timestamps look like the real ones
    (``…212.149``, ``…211.148``) and stay strictly increasing.
    """

    key: str
    origin_ms: int
    interval_ms: int
    frames: int | None = None  # None: frames keep coming; N: only frames 0..N-1 exist

    def _jitter(self, k: int) -> int:
        spread = min(5, max(1, self.interval_ms // 10))
        return _hash_int(self.key, k) % spread

    def frame_ms(self, k: int) -> int:
        """Milliseconds since the epoch of frame ``k``."""
        return self.origin_ms + k * self.interval_ms + self._jitter(k)

    def floor_index(self, ms: int) -> int:
        """Index of the last frame at or before ``ms`` (ignoring 'now'); -1 when none."""
        if ms < self.origin_ms:
            return -1
        k = (ms - self.origin_ms) // self.interval_ms
        if self.frames is not None:
            k = min(k, self.frames - 1)
        while k >= 0 and self.frame_ms(k) > ms:
            k -= 1
        return k

    def exists(self, k: int, now_ms: int) -> bool:
        """True when frame ``k`` exists at ``now_ms``."""
        return 0 <= k <= self.latest_index(now_ms)

    def latest_index(self, now_ms: int) -> int:
        """Index of the newest frame that exists at ``now_ms``; -1 when none."""
        return self.floor_index(now_ms)

    def timestamp(self, k: int) -> str:
        """EEN timestamp of frame ``k``."""
        return ms_to_een_timestamp(self.frame_ms(k))


class Timelines:
    """Builds the timeline of a camera on demand (nothing is stored per camera)."""

    def __init__(self, config: EmulatorConfig, started_ms: int) -> None:
        self.config = config
        self.started_ms = started_ms

    def _timeline(self, esn: str, interval_ms: int, frames: int | None = None) -> Timeline:
        interval = max(1, int(interval_ms))
        phase = int(esn, 16) % interval
        if frames is not None:
            return Timeline(esn, self.started_ms - frames * interval + phase, interval, frames)
        origin = self.started_ms - int(self.config.history_s * 1000) + phase
        return Timeline(esn, origin, interval)

    def v1(self, device: Device) -> Timeline | None:
        """v1: every online camera, one frame per ``config.preview_interval_ms``."""
        if not device.makes_previews or not device.esn:
            return None
        return self._timeline(device.esn, self.config.preview_interval_ms)

    def v3(self, device: Device) -> Timeline | None:
        """v3: the camera's own interval; an ``onDemand`` camera recorded only a short burst."""
        if not device.makes_previews or not device.esn:
            return None
        interval = self.interval_ms(device)
        if device.transmit_mode == "onDemand":
            return self._timeline(device.esn, interval, ON_DEMAND_FRAMES)
        return self._timeline(device.esn, interval)

    def v3_live(self, device: Device) -> Timeline | None:
        """The frames a live view sees: the camera's interval, never a limited burst."""
        if not device.makes_previews or not device.esn:
            return None
        return self._timeline(device.esn, self.interval_ms(device))

    def interval_ms(self, device: Device) -> int:
        """The camera's v3 ``previewVideo.intervalMs``."""
        return int(device.preview_interval_ms or self.config.preview_interval_ms)


class PreviewRenderer:
    """Draws one distinct JPEG per (camera, frame), with an LRU cache of encoded frames."""

    def __init__(self, cache_size: int = 512) -> None:
        self._cache: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()
        self._fonts: dict[int, ImageFont.ImageFont | ImageFont.FreeTypeFont] = {}

    def _font(self, size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
        font = self._fonts.get(size)
        if font is None:
            try:
                font = ImageFont.load_default(size=size)
            except TypeError:  # Pillow without FreeType sizing
                font = ImageFont.load_default()
            self._fonts[size] = font
        return font

    def cached(self) -> int:
        """How many encoded frames the LRU holds."""
        with self._lock:
            return len(self._cache)

    def jpeg(self, esn: str, name: str, k: int, timestamp: str,
             size: tuple[int, int] = (320, 240), thumb: bool = False) -> bytes:
        """The encoded JPEG of frame ``k`` of camera ``esn`` (cached)."""
        if thumb:
            size = (size[0] // 2, size[1] // 2)
        key = (esn, k, size, timestamp)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                self._cache.move_to_end(key)
                return data
        data = self._render(esn, name, k, timestamp, size)
        with self._lock:
            self._cache[key] = data
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return data

    def _render(self, esn: str, name: str, k: int, timestamp: str,
                size: tuple[int, int]) -> bytes:
        width, height = size
        seed = _hash_int(esn)
        base = ((seed >> 0) & 0x7F, (seed >> 8) & 0x7F, (seed >> 16) & 0x7F)
        image = Image.new("RGB", size, base)
        draw = ImageDraw.Draw(image)
        # A static "room": floor, a few boxes placed by the camera's hash.
        draw.rectangle([0, height * 2 // 3, width, height], fill=tuple(c // 2 for c in base))
        for n in range(4):
            h = _hash_int(esn, "box", n)
            x0, y0 = h % width, (h >> 16) % (height // 2) + height // 4
            w, hh = 20 + (h >> 24) % (width // 4), 15 + (h >> 32) % (height // 4)
            shade = tuple(min(255, c + 40 + n * 20) for c in base)
            draw.rectangle([x0, y0, x0 + w, y0 + hh], fill=shade, outline=(230, 230, 230))
        # Something that moves: a ball bouncing across the scene, one step per frame.
        span = max(1, width - 40)
        step = (k * 7) % (2 * span)
        x = step if step < span else 2 * span - step
        y = height // 2 + int((height // 5) * ((k % 12) - 6) / 6)
        draw.ellipse([x, y, x + 36, y + 36], fill=(240, 200, 40), outline=(20, 20, 20))
        # Overlay like a real camera: name on top, timestamp at the bottom.
        small = self._font(max(11, height // 18))
        draw.rectangle([0, 0, width, height // 12 + 4], fill=(0, 0, 0))
        draw.text((4, 2), f"{name}  [{esn}]", fill=(255, 255, 255), font=small)
        stamp = (f"{timestamp[0:4]}-{timestamp[4:6]}-{timestamp[6:8]} "
                 f"{timestamp[8:10]}:{timestamp[10:12]}:{timestamp[12:]} UTC  #{k}")
        draw.rectangle([0, height - height // 12 - 6, width, height], fill=(0, 0, 0))
        draw.text((4, height - height // 12 - 4), stamp, fill=(255, 255, 0), font=small)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=70)
        return out.getvalue()
