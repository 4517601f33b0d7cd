"""The data calls of :class:`~een_tui.api.client.EenClient` (devices, the preview list, image
streams), over its authenticated request helpers (docs/een-api-v1.md §3, §5)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests

from een_tui.api import errors
from een_tui.api.bounds import iter_body
from een_tui.api.devices import DeviceList, parse_device_list
from een_tui.api.responses import ImageHeaders, image_headers
from een_tui.api.timestamps import is_een_timestamp, is_esn

log = logging.getLogger("een_tui.api.client")


class V1DataCalls:
    """Mixed into :class:`EenClient`: the calls that read the account's data."""

    def _json_call(self, path: str, params: dict[str, Any] | None, what: str) -> Any:
        raise NotImplementedError

    def _with_relogin(self, send: Callable[[], requests.Response]) -> requests.Response:
        raise NotImplementedError

    def _checked(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 stream: bool = False, accept: str | None = None) -> requests.Response:
        raise NotImplementedError

    def list_devices(self, esn: str | None = None) -> DeviceList:
        """Every device of the account (``/g/device/list``), bad rows skipped and counted;
        with ``esn``, the list filtered by id (``e=``, docs/een-api-v1.md §3)."""
        if esn is not None:
            _check_esn(esn)
        body = self._json_call("/g/device/list", {"e": esn} if esn else None, "device list")
        devices = parse_device_list(body)
        log.info("device list: %d devices, %d rows skipped", len(devices.devices), devices.skipped)
        return devices

    def list_image_timestamps(self, esn: str, count: int = -25, start: str = "now") -> list[str]:
        """Preview timestamps from ``/asset/list/image``, newest first, distinct.
        ``count`` negative = the entries before ``start``. No images: an empty list."""
        _check_esn(esn)
        params = {"id": esn, "start_timestamp": start, "count": int(count), "asset_class": "pre"}
        try:
            body = self._json_call("/asset/list/image", params, "image list")
        except errors.NoMatchingAsset:
            return []
        if not isinstance(body, list):
            raise errors.ProtocolError("the image list is not an array")
        stamps = [entry.get("s") for entry in body if isinstance(entry, dict)]
        good = [s for s in stamps if isinstance(s, str) and is_een_timestamp(s)]
        valid = sorted(set(good), reverse=True)
        skipped = len(body) - len(good)
        if skipped:
            log.warning("image list of %s: %d malformed entries skipped", esn, skipped)
        if len(valid) < len(body):
            log.info("image list of %s: %d entries, %d distinct valid", esn, len(body), len(valid))
        return valid

    @contextmanager
    def open_image(self, esn: str, timestamp: str, *, asset_class: str = "pre",
                   which: str = "asset") -> Iterator[tuple[ImageHeaders, Iterator[bytes]]]:
        """Stream ``/asset/{which}/image.jpeg`` at ``timestamp``: yields the headers and a chunk
        iterator. Typed errors; one shared re-login on 401; 429/5xx/network errors are raised
        (:class:`RateLimited` with ``retry_after``, :class:`ServerError`, :class:`NetworkError`)
        for the caller to retry."""
        _check_esn(esn)
        if which not in {"asset", "prev", "next", "after"}:
            raise errors.ConfigurationError(f"unknown image endpoint {which!r}")
        params = {"id": esn, "timestamp": timestamp, "asset_class": asset_class}
        response = self._with_relogin(
            lambda: self._checked("GET", f"/asset/{which}/image.jpeg", params=params, stream=True,
                                  accept="image/jpeg, */*"))
        try:
            headers = image_headers(response.headers)
            if not (headers.content_type or "").lower().startswith("image/"):
                raise errors.ProtocolError(
                    f"the image answer is {headers.content_type or 'untyped'}, not an image")
            yield headers, iter_body(response, what="image download")
        finally:
            response.close()


def _check_esn(esn: object) -> None:
    if not is_esn(esn):
        raise errors.RequestRejected(f"{esn!r} is not a camera ESN (8 hex characters)")

