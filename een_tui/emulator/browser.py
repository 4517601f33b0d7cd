"""The browser step of the v3 login, without a browser (for tests and ``--demo``).

``v3_approve(authorize_url)`` does what a person does in the browser: open the authorize URL,
sign in as the demo user on the emulator's page, and approve. It returns the URL the browser
would then be sent to (the client's redirect URI with ``code`` and the echoed ``state``, or with
``error=...``) without visiting it, so the caller can hand it to a listener or paste it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests

from een_tui.emulator.account import DEMO_PASSWORD, DEMO_USERNAME

_FIELDS = ("client_id", "response_type", "scope", "redirect_uri", "state")


class ApprovalFailed(Exception):
    """The emulator's authorize page refused (bad client or redirect URI, wrong password)."""


def v3_approve(authorize_url: str, *, username: str = DEMO_USERNAME,
               password: str = DEMO_PASSWORD, approve: bool = True,
               timeout: float = 10.0) -> str:
    """Sign in on the emulator's authorize page and return the redirect URL it answers.

    Raises :class:`ApprovalFailed` when the page does not redirect (the page's reason in the
    message). ``approve=False`` presses "Deny" (the redirect then carries
    ``error=access_denied``).
    """
    parts = urlsplit(authorize_url)
    if parts.scheme not in ("http", "https") or not parts.path.endswith("/oauth2/authorize"):
        raise ApprovalFailed(f"not an authorize URL: {parts.scheme}://{parts.netloc}{parts.path}")
    with requests.Session() as session:
        page = session.get(authorize_url, timeout=timeout, allow_redirects=False)
        if page.status_code in (301, 302, 303, 307, 308):
            return page.headers["Location"]
        if page.status_code != 200:
            raise ApprovalFailed(f"authorize page answered {page.status_code}")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        form = {name: query.get(name, "") for name in _FIELDS}
        form.update(username=username, password=password,
                    decision="approve" if approve else "deny")
        action = f"{parts.scheme}://{parts.netloc}{parts.path}"
        answer = session.post(action, data=form, timeout=timeout, allow_redirects=False)
        if answer.status_code != 302 or "Location" not in answer.headers:
            raise ApprovalFailed(f"sign-in refused ({answer.status_code})")
        return answer.headers["Location"]
