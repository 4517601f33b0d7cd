"""v1 login, step 1's answer: a single-use token and where a two-factor code can be sent."""

from __future__ import annotations

from dataclasses import dataclass

TWO_FACTOR_METHODS = ("sms", "email")


@dataclass(frozen=True)
class AuthChallenge:
    """The answer of ``authenticate``: a single-use token, and where two-factor codes can go."""

    token: str
    two_factor: dict[str, str] | None  # {"sms": "*** *** 779", "email": "***@gmail.com"} or None
    username: str | None = None

    def __repr__(self) -> str:  # the token is a secret for its 30 s of life
        return f"AuthChallenge(token=***, two_factor={self.two_factor!r})"

    @property
    def two_factor_methods(self) -> list[str]:
        """Delivery methods EEN can use (``sms``/``email``), best first."""
        if not self.two_factor:
            return []
        usable = []
        for method in TWO_FACTOR_METHODS:
            where = self.two_factor.get(method)
            if isinstance(where, str) and where and not where.lower().startswith("no "):
                usable.append(method)
        return usable
