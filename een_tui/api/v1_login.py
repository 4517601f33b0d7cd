"""v1's interactive login as a :class:`~een_tui.api.backend.LoginFlow`: user name and password,
then for two-factor accounts the delivery method and the 4-digit code (docs/een-api-v1.md §1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from een_tui.api import errors
from een_tui.api.auth_challenge import AuthChallenge
from een_tui.api.backend import LoginStep, StepKind
from een_tui.api.credentials import Credentials

if TYPE_CHECKING:
    from een_tui.api.client import EenClient

__all__ = ["NO_METHOD", "V1LoginFlow"]

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
