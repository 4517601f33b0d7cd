"""What a handler receives (the request, when it started, its route arguments) and how it stops."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request

from een_tui.emulator.replies import Reply


@dataclass
class Call:
    """One request being handled: the werkzeug request, its start time, route arguments."""

    request: Request
    started: float
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The request path."""
        return self.request.path

    def legacy_params(self) -> dict[str, str]:
        """v1 query parameters, accepting the legacy ``;`` separator (``?t=now;c=1000c4ae``)."""
        query = self.request.environ.get("QUERY_STRING", "")
        return dict(parse_qsl(query.replace(";", "&"), keep_blank_values=True))

    def body_dict(self) -> dict[str, Any]:
        """A JSON or form body as a dict (empty when neither)."""
        text = self.request.get_data(cache=True).decode("utf-8", "replace").strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}
        return dict(parse_qsl(text, keep_blank_values=True))


Handler = Callable[[Call], Reply]


class Abort(Exception):
    """Stop handling and answer ``reply`` (raised from helpers deep in a handler)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class ConnectionResetRequested(Exception):
    """Raised by a handler to make the server reset the TCP connection (fault_reset)."""
