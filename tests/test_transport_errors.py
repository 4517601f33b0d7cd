"""Transport failures become een_tui errors, around the request and around the body stream:
a hostile raw-socket server on 127.0.0.1 cuts answers short or never answers."""

from __future__ import annotations

import socket

import gevent
import pytest
import requests

from een_tui.api import errors
from een_tui.api.transport_errors import guarded_chunks, transport_errors


class RawServer:
    """Accepts connections and answers each with ``reply`` bytes, then closes (or, with
    ``reply=None``, says nothing and keeps the connection open)."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self.greenlet = gevent.spawn(self._serve)

    def _serve(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            conn.recv(65536)
            if self.reply is None:
                self.held.append(conn)
                continue
            conn.sendall(self.reply)
            conn.close()

    def close(self) -> None:
        self.greenlet.kill()
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture
def raw_server(request):
    server = RawServer(request.param)
    yield server
    server.close()


HALF_JPEG = (b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\n"
             + b"\xff\xd8" + b"x" * 100)


@pytest.mark.parametrize("raw_server", [HALF_JPEG], indirect=True)
def test_a_body_cut_short_is_a_network_error_not_a_requests_error(raw_server):
    response = requests.get(raw_server.url + "/image.jpeg?secret=abc", stream=True, timeout=5)
    chunks = guarded_chunks(response.iter_content(16), response.url, body="image download")
    with pytest.raises(errors.NetworkError, match="the image download was cut off") as caught:
        for _ in chunks:
            pass
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("raw_server", [None], indirect=True)
def test_no_answer_is_a_network_error_naming_the_host_and_timeout(raw_server):
    url = raw_server.url + "/x?token=t0k"
    with pytest.raises(errors.NetworkError) as caught, transport_errors(url, timeout=0.2):
        requests.get(url, timeout=0.2)
    host = raw_server.url.removeprefix("http://")
    assert str(caught.value) == f"no answer from {host} within 0.2 s"


def test_a_refused_connection_is_a_network_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/g/device/list"
    refused = pytest.raises(errors.NetworkError, match=f"cannot reach 127.0.0.1:{port}")
    with refused, transport_errors(url, timeout=5):
        requests.get(url, timeout=5)


def test_een_errors_pass_through_untouched():
    original = errors.RateLimited("429", retry_after=1.0)
    with pytest.raises(errors.RateLimited) as caught, transport_errors("http://127.0.0.1:9"):
        raise original
    assert caught.value is original
