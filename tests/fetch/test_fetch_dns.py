"""DNS rebinding: each host name is resolved once, every address checked, and the request sent to exactly that
checked address (the name only in the Host header and SNI), so a name that answers a public address for the
check and 127.0.0.1 for the connection never reaches this machine."""

from __future__ import annotations

import time

import httpx
import pytest

from gongkai.examples.portal import build_portal
from gongkai.fetch.net import Client, Policy, Refused
from tests.fetch.server import PortalServer

PUBLIC = "93.184.216.34"  # a global address; the mock transport answers for it, nothing leaves the machine


class Rebinding:
    """A resolver that answers a public address the first time and loopback afterwards."""

    def __init__(self, first: list[str], then: list[str]):
        self.first, self.then, self.calls = first, then, []

    def __call__(self, host: str) -> list[str]:
        self.calls.append(host)
        return self.first if len(self.calls) == 1 else self.then


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(
            (request.url.host, request.url.port, request.headers["host"], request.extensions.get("sni_hostname"))
        )
        return httpx.Response(200, html="<html><body>ok</body></html>")

    resolver = Rebinding([PUBLIC], ["127.0.0.1"])
    client = Client(Policy(delay=0.0), resolve=resolver, transport=httpx.MockTransport(answer))
    try:
        got = client.get("https://rebind.example:8443/nb/index.html")
        client.get("https://rebind.example:8443/nb/t1.html")
    finally:
        client.close()
    assert got.final_url == "https://rebind.example:8443/nb/index.html" and got.content.startswith(b"<html>")
    assert resolver.calls == ["rebind.example"]  # resolved once, for the check and every connection
    assert seen and all(s == (PUBLIC, 8443, "rebind.example:8443", "rebind.example") for s in seen)


def test_a_name_with_any_private_address_is_refused():
    resolver = Rebinding([PUBLIC, "10.0.0.8"], [PUBLIC])
    client = Client(
        Policy(delay=0.0),
        resolve=resolver,
        transport=httpx.MockTransport(lambda r: pytest.fail("no request may be sent")),
    )
    try:
        with pytest.raises(Refused) as err:
            client.get("http://mixed.example/")
    finally:
        client.close()
    assert err.value.code == "E-FETCH-PRIVATE"


@pytest.fixture
def server():
    srv = PortalServer(build_portal())
    yield srv
    srv.close()


def test_a_name_resolving_to_loopback_is_refused_before_any_request(server):
    port = server.httpd.server_address[1]
    client = Client(Policy(delay=0.0), resolve=lambda host: ["127.0.0.1"])
    try:
        with pytest.raises(Refused) as err:
            client.get(f"http://portal.test:{port}/nb/index.html")
    finally:
        client.close()
    assert err.value.code == "E-FETCH-PRIVATE"
    assert server.log == []


def test_allowed_private_name_is_fetched_from_its_checked_addresses_in_order(server):
    # ::1 refuses (the server listens on 127.0.0.1 only), so the next checked address is used
    port = server.httpd.server_address[1]
    client = Client(Policy(delay=0.0, allow_private=True), resolve=lambda host: ["::1", "127.0.0.1"])
    try:
        got = client.get(f"http://portal.test:{port}/nb/index.html")
    finally:
        client.close()
    assert got.status == 200 and got.final_url == f"http://portal.test:{port}/nb/index.html"
    # the server logs a request after writing its answer: give the handler thread a moment to log it
    deadline = time.monotonic() + 10
    while len(server.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [(e.path, e.host) for e in server.log] == [
        ("/robots.txt", f"portal.test:{port}"),
        ("/nb/index.html", f"portal.test:{port}"),
    ]


def test_unresolvable_name_is_e_fetch_dns():
    def fail(host):
        raise Refused(f"无法解析主机名 {host}", code="E-FETCH-DNS")

    client = Client(Policy(delay=0.0), resolve=fail)
    try:
        with pytest.raises(Refused) as err:
            client.get("http://nowhere.invalid/")
    finally:
        client.close()
    assert err.value.code == "E-FETCH-DNS"


def test_two_names_on_one_address_never_share_a_connection(monkeypatch):
    # connections are pooled per name: a TLS connection made (and its certificate checked) for one name must
    # not carry another name's request just because both resolve to the same address
    import gongkai.fetch.net as net

    made = []

    class Recording(httpx.Client):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(net.httpx, "Client", Recording)
    client = Client(
        Policy(delay=0.0),
        resolve=lambda host: [PUBLIC],
        transport=httpx.MockTransport(lambda r: httpx.Response(200, text="ok")),
    )
    try:
        client.get("https://a.example/x")
        client.get("https://b.example/y")
        client.get("https://a.example/z")
    finally:
        client.close()
    assert len(made) == 2
