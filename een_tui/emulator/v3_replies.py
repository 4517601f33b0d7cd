"""v3 answers: JSON, images with ``X-Een-*`` headers, the v3 error body and OAuth2 errors."""

from __future__ import annotations

import json
import time

from een_tui.emulator.replies import Reply, http_date, request_id

V3_PREFIX = "/api/v3.0/"
OAUTH_PREFIX = "/oauth2/"
JSON_TYPE = "application/json"

# HTTP status -> v3 error ``status`` (een-api-v3.md §6; 405/502/504 are our choice).
STATUS_NAMES = {
    400: "invalidArgument", 401: "unauthenticated", 403: "permissionDenied", 404: "notFound",
    405: "methodNotAllowed", 429: "tooManyRequests", 500: "internal", 502: "internal",
    503: "unavailable", 504: "deadlineExceeded",
}
MESSAGES = {
    401: "The client caller does not have a valid authentication credential",
    429: "Too many requests in a given amount of time",
}


def _headers(content_type: str, length: int) -> list[tuple[str, str]]:
    return [("Date", http_date(time.time())), ("Content-Type", content_type),
            ("Content-Length", str(length)), ("Connection", "keep-alive"),
            ("X-Request-Id", request_id())]


def v3_json(payload: object, status: int = 200) -> Reply:
    """A JSON answer of the v3 API."""
    body = json.dumps(payload).encode()
    return Reply(status, _headers(JSON_TYPE, len(body)), body)


def v3_error(status: int, message: str | None = None, *, path: str, method: str = "GET",
             reason: str | None = None, details: list[dict[str, object]] | None = None,
             retry_after: str | None = None) -> Reply:
    """``{"code", "status", "message", "details"}`` as the v3 spec shapes every error."""
    name = STATUS_NAMES.get(status, "unknown")
    info: dict[str, object] = {"type": "errorInfo", "reason": reason or name, "domain": "apiv3",
                               "metadata": {"path": path, "method": method}}
    payload = {"code": status, "status": name,
               "message": message or MESSAGES.get(status, name),
               "details": [info, *(details or [])]}
    body = json.dumps(payload).encode()
    headers = _headers(JSON_TYPE, len(body))
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    return Reply(status, headers, body)


def bad_argument(path: str, message: str, reason: str = "wrongArgumentValue") -> Reply:
    """400 invalidArgument with ``reason`` (unexpectedArgument, missingRequiredArgument...)."""
    return v3_error(400, message, path=path, reason=reason)


def not_found(path: str, resource: str, ident: str) -> Reply:
    """404 resourceNotFound naming the resource and id."""
    return v3_error(404, f"{resource} not found", path=path, reason="resourceNotFound",
                    details=[{"type": "resourceInfo", "resource": resource, "ids": [ident]}])


def v3_image(body: bytes, *, timestamp: str, prev_token: str | None,
             next_token: str | None) -> Reply:
    """A 200 ``image/jpeg`` with ``X-Een-Timestamp`` and the page tokens that exist."""
    headers = _headers("image/jpeg", len(body))
    headers.append(("X-Een-Timestamp", timestamp))
    if next_token:
        headers.append(("X-Een-NextToken", next_token))
    if prev_token:
        headers.append(("X-Een-PrevToken", prev_token))
    return Reply(200, headers, body)


def oauth_error(status: int, error: str, description: str,
                retry_after: str | None = None) -> Reply:
    """An RFC 6749 error ``{"error", "error_description"}`` of the auth host."""
    body = json.dumps({"error": error, "error_description": description}).encode()
    headers = _headers(JSON_TYPE, len(body))
    headers.append(("Cache-Control", "no-store"))
    if status == 401 and error == "invalid_client":
        headers.append(("WWW-Authenticate", 'Basic realm="een"'))
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    return Reply(status, headers, body)


def html_reply(status: int, html: str) -> Reply:
    """A small HTML page (the authorize page)."""
    body = html.encode()
    return Reply(status, _headers("text/html; charset=utf-8", len(body)), body)


def redirect_reply(location: str) -> Reply:
    """302 to ``location`` (the client's redirect URI)."""
    headers = _headers("text/plain; charset=utf-8", 0)
    headers += [("Location", location), ("Cache-Control", "no-store")]
    return Reply(302, headers, b"")
