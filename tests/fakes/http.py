"""A small threaded HTTP server on 127.0.0.1 with a route table and a request log.

Fakes subclass `FakeServer`, register handlers with `route`, and can queue faults
(a status code, a delay, a malformed body) for the next matching requests.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is, for malformed bodies


@dataclass
class Fault:
    """A canned failure for the next `times` requests whose "METHOD path" matches `pattern`."""

    pattern: str
    status: int = 500
    times: int = 1
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    drop: bool = False  # close the connection with no response


Handler = Callable[[Request, re.Match[str]], Response]


class QuietHTTPServer(ThreadingHTTPServer):
    """A threaded server that drops a client's closed connection without a traceback.

    The standard handle_error prints to sys.stderr, which can be another test's
    captured output at that moment (click's CliRunner, for one).
    """

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        logging.getLogger(__name__).exception("fake server failed on a request")


class FakeServer:
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        self.lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + r"$"), handler))

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def requests(self, method: str | None = None, path_prefix: str = "") -> list[Request]:
        with self.lock:
            return [
                r
                for r in self.log
                if (method is None or r.method == method) and r.path.startswith(path_prefix)
            ]

    def writes(self) -> list[Request]:
        return [r for r in self.requests() if r.method in {"POST", "PUT", "DELETE", "PATCH"}]

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm on, the
            # body waits for the client's delayed ACK (about 40 ms per request).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command, parts.path, parse_qs(parts.query), dict(self.headers), body
                )
                with server.lock:
                    server.log.append(request)
                    fault = server._take_fault(request)
                if fault is not None:
                    if fault.delay_s:
                        time.sleep(fault.delay_s)
                    if fault.drop:
                        self.close_connection = True
                        return
                    self._send(
                        Response(fault.status, {"message": "fault"}, fault.headers, fault.raw)
                    )
                    return
                response = server.dispatch(request)
                self._send(response)

            def _send(self, response: Response) -> None:
                if response.raw is not None:
                    payload = response.raw
                elif response.body is None:
                    payload = b""
                else:
                    payload = json.dumps(response.body).encode()
                self.send_response(response.status)
                headers = {"Content-Type": "application/json", **response.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self._httpd = QuietHTTPServer(("127.0.0.1", 0), _Handler)
        # A short poll interval keeps stop() (which waits for the loop) fast in tests.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def _take_fault(self, request: Request) -> Fault | None:
        key = f"{request.method} {request.path}"
        for fault in self.faults:
            if fault.times > 0 and re.search(fault.pattern, key):
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self.routes:
            if method != request.method:
                continue
            match = pattern.match(request.path)
            if match:
                with self.lock:
                    return handler(request, match)
        return Response(404, {"message": "Record Not Found", "path": request.path})
