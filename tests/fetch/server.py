"""The generated portal on loopback, in a thread, with its own request log."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from gongkai.examples.portal import Portal


class _Loopback(httpx.HTTPTransport):
    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return super().handle_request(request)


@dataclass
class Logged:
    path: str
    status: int
    started: float
    ended: float
    host: str = ""  # the Host header: portals under host names are all served here


@dataclass
class PortalServer:
    portal: Portal
    busy_once: set[str] = field(default_factory=set)  # answered 429 (busy_status) the first time
    always_busy: set[str] = field(default_factory=set)  # answered busy_status every time
    busy_status: int = 429
    forbidden_paths: set[str] = field(default_factory=set)  # answered 403
    redirects: dict[str, str] = field(default_factory=dict)  # path → Location (302)
    log: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                started = time.monotonic()
                path = self.path.split("?")[0]
                status, ctype, body, extra = 200, "text/html", b"", {}
                if path in server.forbidden_paths:
                    status, body = 403, b"<html><body>Forbidden</body></html>"
                elif path in server.redirects:
                    status, extra = 302, {"Location": server.redirects[path]}
                elif path in server.busy_once or path in server.always_busy:
                    server.busy_once.discard(path)
                    status, body, extra = server.busy_status, b"busy", {"Retry-After": "0"}
                elif path in server.portal.pages:
                    ctype, body = server.portal.pages[path]
                else:
                    status, body = 404, b"<html><body>404</body></html>"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
                with server._lock:
                    server.log.append(Logged(path, status, started, time.monotonic(), self.headers.get("Host", "")))

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.timeout = 5
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def transport(self) -> httpx.BaseTransport:
        """A transport that sends every request, whatever its host name, to this server (the Host header kept),
        so a test crawls www.tongxi.gov.cn without DNS or network."""
        return _Loopback(self.httpd.server_address[1])

    def paths(self) -> list[str]:
        return [entry.path for entry in self.log]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
