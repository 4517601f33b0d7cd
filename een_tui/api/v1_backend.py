"""The v1 implementation of :class:`~een_tui.api.backend.Backend`, over :class:`EenClient`
(facts in docs/een-api-v1.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from een_tui.api import errors
from een_tui.api.backend import LoginStep, PreviewPlan, Retry, StepKind
from een_tui.api.client import AuthChallenge, EenClient
from een_tui.api.credentials import Credentials
from een_tui.api.devices import DeviceList
from een_tui.api.model import Camera, CameraList
from een_tui.api.responses import ImageHeaders
from een_tui.api.v1_plan import build_plan, plan_by_listing

__all__ = ["V1Backend", "V1LoginFlow"]

NO_METHOD = "the account needs a two-factor code but EEN has no usable sms or email for it"


class V1LoginFlow:
    """User name and password (``begin``), then for two-factor accounts the delivery method
    (``send_code``) and the 4-digit code (``finish``)."""

    def __init__(self, client: EenClient) -> None:
        self._client = client
        self._challenge: AuthChallenge | None = None

    def begin(self, credentials: Credentials | None = None) -> LoginStep:
        """Send the user name and password: DONE, or CHOOSE_METHOD with the destinations."""
        if credentials is None:
            return LoginStep(StepKind.CREDENTIALS, "EEN user name and password")
        challenge = self._client.authenticate(credentials.username, credentials.password)
        if not challenge.two_factor:
            self._client.authorize(challenge)
            return LoginStep(StepKind.DONE)
        methods = challenge.two_factor_methods
        if not methods:
            raise errors.TwoFactorRequired(NO_METHOD)
        self._challenge = challenge
        return LoginStep(StepKind.CHOOSE_METHOD, "EEN sends a login code",
                         choices={m: challenge.two_factor[m] for m in methods})

    def send_code(self, method: str) -> LoginStep:
        """Ask EEN to send the code by ``method``: ENTER_CODE."""
        challenge = self._started()
        self._client.send_two_factor_code(challenge, method)
        where = (challenge.two_factor or {}).get(method, "")
        return LoginStep(StepKind.ENTER_CODE, f"EEN sent a login code by {method} to {where}.",
                         choices={method: where}, method=method)

    def finish(self, answer: str | None = None) -> LoginStep:
        """Authorize with the code: DONE (TwoFactorFailed for a wrong code)."""
        self._client.authorize(self._started(), answer)
        return LoginStep(StepKind.DONE)

    def _started(self) -> AuthChallenge:
        if self._challenge is None:
            raise errors.AuthError("the login has not started: send the user name first")
        return self._challenge


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

    def list_devices(self) -> DeviceList:
        """Every v1 device (cameras and bridges), as the v1 UI and ``cameras`` still use."""
        return self.client.list_devices()

    def list_cameras(self) -> CameraList:
        """The cameras of ``/g/device/list`` (bridges left out)."""
        devices = self.client.list_devices()
        cameras = tuple(Camera.from_v1(d) for d in devices.devices if d.is_camera)
        return CameraList(cameras=cameras, skipped=devices.skipped)

    def list_image_timestamps(self, esn: str, *, count: int, start: str = "now") -> list[str]:
        """``/asset/list/image`` (the v1 planner's listing step)."""
        return self.client.list_image_timestamps(esn, count=count, start=start)

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

    def open_image(self, esn: str, timestamp: str
                   ) -> AbstractContextManager[tuple[ImageHeaders, Iterator[bytes]]]:
        """``/asset/asset/image.jpeg`` at ``timestamp``, streamed."""
        return self.client.open_image(esn, timestamp)

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()
