"""The v1 client's HTTP plumbing: the pooled session with its fixed headers, and reading an
answer's body (JSON, or the details of an error) into een_tui errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import requests

from een_tui import __version__
from een_tui.api import errors
from een_tui.api.bounds import MAX_ERROR_BODY, read_body
from een_tui.api.responses import server_message
from een_tui.api.transport import EenHttpSession, Origin


def new_http_session(
    *,
    pool_size: int,
    api_key: str | None,
    trusted_origins: Callable[[], set[Origin]],
    secret_headers: Callable[[], dict[str, str]],
) -> EenHttpSession:
    """A keep-alive session for ``pool_size`` concurrent requests (plus two spare), sending the
    API key in both headers v1 reads (docs/een-api-v1.md §1)."""
    http = EenHttpSession(pool_size=pool_size + 2, trusted_origins=trusted_origins,
                          secret_headers=secret_headers)
    http.headers.update({"User-Agent": f"een-tui/{__version__}", "Accept": "application/json"})
    if api_key:
        http.headers["Authentication"] = api_key
        http.headers["Authorization"] = api_key
    return http


def error_details(response: requests.Response) -> str | None:
    """What the server said in an error answer (bounded; None when nothing readable); closes
    the response."""
    try:
        body = read_body(response, what="error answer", max_bytes=MAX_ERROR_BODY,
                         truncate=True)
    except errors.EenError:
        body = b""
        response.close()
    return server_message(response.headers, body)


def read_json(response: requests.Response, what: str) -> Any:
    """The answer's JSON; :class:`ProtocolError` when it is not JSON, :class:`NetworkError` when
    it was cut off. Closes the response."""
    try:
        content = read_body(response, what=f"{what} answer")
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise errors.ProtocolError(
            f"the {what} answer is not valid JSON (HTTP {response.status_code})") from exc
    finally:
        response.close()
