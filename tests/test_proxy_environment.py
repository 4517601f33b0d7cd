"""Proxies come from the environment (``HTTP_PROXY``, ``NO_PROXY``), as requests reads them;
een-tui's session reads them once per origin, and every request still goes the way they say."""

from __future__ import annotations

import pytest
import requests
from hostile import Reply

from een_tui.api.transport import EenHttpSession

NOWHERE = "http://127.0.0.1:9/preview"  # nothing listens there: only a proxy can answer
PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                   "ALL_PROXY", "no_proxy", "NO_PROXY")


def session() -> EenHttpSession:
    return EenHttpSession(pool_size=2, trusted_origins=set, secret_headers=dict)


@pytest.fixture
def clean_proxy_environment(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_every_request_goes_through_the_proxy_the_environment_names(
        hostile, clean_proxy_environment):
    hostile.on("GET", NOWHERE, Reply(200, [("Content-Type", "text/plain")], b"via the proxy"))
    clean_proxy_environment.setenv("HTTP_PROXY", hostile.url)
    http = session()
    for _ in range(3):  # the first request reads the environment, the others reuse it
        assert http.get(NOWHERE, timeout=10).text == "via the proxy"


def test_no_proxy_still_bypasses_it(hostile, clean_proxy_environment):
    hostile.on("GET", NOWHERE, Reply(200, [("Content-Type", "text/plain")], b"via the proxy"))
    clean_proxy_environment.setenv("HTTP_PROXY", hostile.url)
    clean_proxy_environment.setenv("NO_PROXY", "127.0.0.1")
    http = session()
    for _ in range(2):
        with pytest.raises(requests.ConnectionError):
            http.get(NOWHERE, timeout=10)
