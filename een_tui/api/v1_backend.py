"""The v1 implementation of :class:`~een_tui.api.backend.Backend`, over :class:`EenClient`
(facts in docs/een-api-v1.md)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from een_tui.api import errors
from een_tui.api.backend import PreviewPlan, Retry
from een_tui.api.client import EenClient
from een_tui.api.credentials import Credentials
from een_tui.api.devices import DeviceList
from een_tui.api.model import Camera, CameraList
from een_tui.api.responses import ImageHeaders
from een_tui.api.time_range import TimeRange
from een_tui.api.timestamps import is_esn
from een_tui.api.v1_login import V1LoginFlow
from een_tui.api.v1_plan import build_plan, plan_by_listing
from een_tui.api.v1_range import DEFAULT_PAGE, V1RangeCursor

__all__ = ["V1Backend", "V1LoginFlow"]

log = logging.getLogger(__name__)


class V1Backend:
    """EEN API v1 as a :class:`~een_tui.api.backend.Backend`."""

    api_version = "v1"

    def __init__(self, client: EenClient) -> None:
        self.client = client
        self.retry_policy = client.retry_policy

    @property
    def username(self) -> str | None:
        """The account's login name, when known."""
        return self.client.username

    @property
    def display_name(self) -> str:
        """First and last name of the user object (empty before login)."""
        user = self.client.user or {}
        return " ".join(str(user.get(k) or "") for k in ("first_name", "last_name")).strip()

    def resume(self) -> bool:
        """Reuse the cached session of ``username`` when it is still valid."""
        return self.client.resume()

    def login(self, credentials: Credentials | None = None) -> None:
        """Log in without a person (TwoFactorRequired when the account needs a code)."""
        if credentials is None:
            raise errors.MissingCredentials("no EEN user name and password to log in with")
        self.client.login(credentials.username, credentials.password)

    def login_flow(self) -> V1LoginFlow:
        """A fresh interactive login."""
        return V1LoginFlow(self.client)

    def list_cameras(self) -> CameraList:
        """The cameras of ``/g/device/list``; its bridges (and unknown types) in ``others``."""
        devices = self.client.list_devices()
        rows = [Camera.from_v1(d) for d in devices.devices]
        return CameraList(cameras=tuple(c for c in rows if c.is_camera), skipped=devices.skipped,
                          others=tuple(c for c in rows if not c.is_camera))

    def find_device(self, esn: str) -> Camera | None:
        """The device from ``/g/device/list?e=ESN`` (one row, not the whole account); from the
        whole list when the filtered answer lacks it or is refused (a server that reads the
        filter otherwise)."""
        wanted = esn.lower()
        if is_esn(wanted):
            try:
                found = _device_in(self.client.list_devices(esn=wanted), wanted)
            except (errors.RequestRejected, errors.ProtocolError) as exc:
                log.info("device list filtered by id refused (%s): the whole list", exc)
                found = None
            if found is not None:
                return found
        return _device_in(self.client.list_devices(), wanted)

    def plan_previews(self, esn: str, count: int, *, before: str | None = None,
                      exclude: Iterable[str] = (), call: Retry | None = None) -> PreviewPlan:
        """Listing first, then the ``X-Ee-Prev`` walk; with ``before``: listing only, older
        than ``before``, ``exclude`` left out (an empty plan when there is nothing older)."""
        if before is not None:
            stamps = plan_by_listing(self.client, esn, count, start=before, exclude=exclude)
            return PreviewPlan(esn=esn, timestamps=tuple(stamps), source="list")
        plan = build_plan(self.client, esn, count, call=call)
        skip = set(exclude)
        if skip:
            plan = PreviewPlan(esn=esn, source=plan.source,
                               timestamps=tuple(s for s in plan.timestamps if s not in skip))
        return plan

    def plan_range(self, esn: str, time_range: TimeRange, *,
                   page: int = DEFAULT_PAGE) -> V1RangeCursor:
        """The frames of ``esn`` in ``time_range``, a page of ``/asset/list/image`` at a time."""
        return V1RangeCursor(self.client, esn, time_range, page)

    def open_image(self, esn: str, timestamp: str
                   ) -> AbstractContextManager[tuple[ImageHeaders, Iterator[bytes]]]:
        """``/asset/asset/image.jpeg`` at ``timestamp``, streamed."""
        return self.client.open_image(esn, timestamp)

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()


def _device_in(listing: DeviceList, esn: str) -> Camera | None:
    """The device of ``listing`` whose id is ``esn`` (lower case), as a :class:`Camera`."""
    for device in listing.devices:
        if isinstance(device.id, str) and device.id.lower() == esn:
            return Camera.from_v1(device)
    return None
