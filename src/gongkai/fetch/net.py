"""A polite, guarded HTTP client: robots.txt, one request at a time per host with a delay, backoff on 429/503,
stop on 403 or a captcha page, size and redirect limits, and only public hosts unless allowed."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "gongkai-fetch/1 (annual report collection; polite, robots.txt honoured)"

# every code an address can end with in `gongkai fetch` (shown as "[code] 说明")
CODES = {
    "E-FETCH-NO-URL": "没有给出起始地址",
    "E-FETCH-SCHEME": "不是 http/https 地址",
    "E-FETCH-DNS": "无法解析主机名",
    "E-FETCH-PRIVATE": "本机或内网地址（未加 --allow-private）",
    "E-FETCH-ROBOTS": "robots.txt 不允许",
    "E-FETCH-NETWORK": "网络错误",
    "E-FETCH-SIZE": "超过大小上限",
    "E-FETCH-REDIRECTS": "重定向次数超过上限",
    "E-FETCH-BUSY": "服务器持续返回 429/503",
    "E-FETCH-FORBIDDEN": "服务器拒绝访问（403），停止访问该站点",
    "E-FETCH-CAPTCHA": "出现验证码页面，停止访问该站点",
    "E-FETCH-STOPPED": "该站点已停止访问",
    "E-FETCH-STATUS": "服务器返回非 200 状态",
    "E-FETCH-NOT-FILE": "附件地址返回的不是报告文件（如错误页）",
}


@dataclass(frozen=True, slots=True)
class Policy:
    delay: float = 2.0  # seconds between two requests to one host
    allow_private: bool = False
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3  # on 429/503
    timeout: float = 30.0


@dataclass(slots=True)
class Fetched:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: str


class Refused(Exception):
    """We did not (or must no longer) fetch this address; ``reason`` is Chinese, ``stop_host`` ends the host."""

    def __init__(self, reason: str, *, code: str, stop_host: bool = False):
        super().__init__(reason)
        self.reason, self.code, self.stop_host = reason, code, stop_host


def system_resolve(host: str) -> list[str]:
    """The addresses of ``host`` in the order the system resolver gives them (IP literals as they are)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"无法解析主机名 {host}", code="E-FETCH-DNS") from None
    out: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%")[0]
        if address not in out:
            out.append(address)
    return out


def _public(addresses: list[str]) -> bool:
    return all(ipaddress.ip_address(a).is_global for a in addresses)


def looks_like_captcha(content: bytes) -> bool:
    """A challenge page: it names a captcha and says little else (a portal page whose comment form asks for a
    验证码 has a whole page of text besides, and must not stop the host)."""
    head = content[:20000].lower()
    if not (b"captcha" in head or "验证码".encode() in head or "验证码".encode("gbk") in head):
        return False
    text = re.sub(rb"(?is)<(script|style)\b.*?</\1\s*>|<[^>]*>|&[#\w]+;|\s+", b"", content[:200000])
    return len(text) < 3000  # bytes: about a thousand characters of Chinese


@dataclass
class Client:
    policy: Policy = field(default_factory=Policy)
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    # host name → addresses; each host is resolved once, checked, and connected to at exactly those addresses,
    # so a name that resolves to a public address for the check and to 127.0.0.1 for the connection (DNS
    # rebinding) cannot reach this machine or the intranet
    resolve: Callable[[str], list[str]] = system_resolve
    _addresses: dict[str, list[str]] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser] = field(default_factory=dict)
    _stopped: dict[str, str] = field(default_factory=dict)
    backoffs: list[tuple[str, int, float]] = field(default_factory=list)  # (address, 429/503, seconds waited)

    # one connection pool per host name: requests go to an address, and a pool keyed by address would send one
    # name's request over a TLS connection made (and its certificate checked) for another name on that address
    _pools: dict[str, httpx.Client] = field(default_factory=dict)

    def _http(self, name: str) -> httpx.Client:
        if name not in self._pools:
            self._pools[name] = httpx.Client(
                follow_redirects=False,
                timeout=self.policy.timeout,
                transport=self.transport,
                headers={"User-Agent": USER_AGENT},
                trust_env=False,
            )
        return self._pools[name]

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def _check(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"只抓取 http/https 地址：{url}", code="E-FETCH-SCHEME")
        host = parts.netloc.lower()
        if host in self._stopped:
            raise Refused(f"已停止访问该站点（{self._stopped[host]}）", code="E-FETCH-STOPPED")
        addresses = self._resolved(parts.hostname)
        if not self.policy.allow_private and not _public(addresses):
            raise Refused(
                f"{parts.hostname} 是内网或本机地址，默认不访问（需要时加 --allow-private）", code="E-FETCH-PRIVATE"
            )
        return host

    def _resolved(self, hostname: str) -> list[str]:
        name = hostname.lower()
        if name not in self._addresses:
            try:
                addresses = [str(ipaddress.ip_address(a)) for a in self.resolve(name)]
            except ValueError:
                raise Refused(f"无法解析主机名 {hostname}", code="E-FETCH-DNS") from None
            if not addresses:
                raise Refused(f"无法解析主机名 {hostname}", code="E-FETCH-DNS")
            self._addresses[name] = addresses
        return self._addresses[name]

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            rp = self._robots.get(host)
            asked = rp.crawl_delay(USER_AGENT) if rp is not None else None  # robots.txt's Crawl-delay, if longer
            gap = max(self.policy.delay, min(float(asked or 0), 60.0)) - (time.monotonic() - last)
            if gap > 0:
                self.sleep(gap)

    def _raw(self, host: str, url: str) -> tuple[int, httpx.Headers, bytes]:
        self._wait(host)
        try:
            return self._from_addresses(url)
        finally:
            self._last[host] = time.monotonic()

    def _from_addresses(self, url: str) -> tuple[int, httpx.Headers, bytes]:
        """GET ``url`` from the checked addresses of its host, in order until one connects: the request goes
        to the address (no second lookup), with the name in the Host header and, for https, in SNI and the
        certificate check."""
        named = httpx.URL(url)
        addresses = self._resolved(urlsplit(url).hostname or "")
        for i, address in enumerate(addresses):
            try:
                return self._stream(named, address)
            except httpx.ConnectError:
                if i == len(addresses) - 1:
                    raise Refused("网络错误：ConnectError", code="E-FETCH-NETWORK") from None
        raise Refused("网络错误：没有可连接的地址", code="E-FETCH-NETWORK")  # pragma: no cover - never empty

    def _stream(self, named: httpx.URL, address: str) -> tuple[int, httpx.Headers, bytes]:
        target = named.copy_with(host=address)
        headers = {"Host": named.netloc.decode("ascii")}
        extensions = {"sni_hostname": named.raw_host.decode("ascii")}
        try:
            with self._http(extensions["sni_hostname"]).stream(
                "GET", target, headers=headers, extensions=extensions
            ) as resp:
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                    raise Refused(f"文件过大（{int(declared) // 1048576} MB）", code="E-FETCH-SIZE")
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > self.policy.max_bytes:
                        raise Refused(f"文件超过 {self.policy.max_bytes // 1048576} MB 上限", code="E-FETCH-SIZE")
                return resp.status_code, resp.headers, bytes(body)
        except httpx.ConnectError:
            raise
        except httpx.HTTPError as exc:
            raise Refused(f"网络错误：{type(exc).__name__}", code="E-FETCH-NETWORK") from None

    def allowed(self, url: str) -> bool:
        """robots.txt of the address's host permits us (a missing or unreadable robots.txt permits)."""
        parts = urlsplit(url)
        host = self._check(url)
        rp = self._robots.get(host)
        if rp is None:
            rp = urllib.robotparser.RobotFileParser()
            try:
                status, _, body = self._raw(host, f"{parts.scheme}://{parts.netloc}/robots.txt")
            except Refused:
                status, body = 404, b""
            if status == 200:
                rp.parse(body.decode("utf-8", "replace").splitlines())
            else:
                rp.allow_all = True  # type: ignore[attr-defined]  # the flag can_fetch() reads; not in the stubs
            self._robots[host] = rp
        return rp.can_fetch(USER_AGENT, url)

    def get(self, url: str) -> Fetched:
        """The page at ``url`` after redirects (each hop checked like the first), or :class:`Refused`."""
        current = url
        for _ in range(self.policy.max_redirects + 1):
            host = self._check(current)
            if not self.allowed(current):
                raise Refused("robots.txt 不允许抓取", code="E-FETCH-ROBOTS")
            for attempt in range(self.policy.retries + 1):
                status, headers, body = self._raw(host, current)
                if status not in (429, 503):
                    break
                if attempt == self.policy.retries:
                    raise Refused(f"服务器持续返回 {status}（请求过多或暂不可用）", code="E-FETCH-BUSY")
                retry = headers.get("retry-after", "")
                wait = float(retry) if retry.isdigit() else self.policy.delay * 2**attempt
                self.backoffs.append((current, status, min(wait, 300.0)))
                self.sleep(min(wait, 300.0))
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                current = urljoin(current, headers["location"])
                continue
            if status == 403:
                self._stopped[host] = "服务器拒绝访问（403）"
                raise Refused("服务器拒绝访问（403），停止访问该站点", code="E-FETCH-FORBIDDEN", stop_host=True)
            if status == 200 and looks_like_captcha(body):
                self._stopped[host] = "出现验证码页面"
                raise Refused("出现验证码页面，停止访问该站点", code="E-FETCH-CAPTCHA", stop_host=True)
            return Fetched(
                url, current, status, dict(headers), body, datetime.now(timezone.utc).isoformat(timespec="seconds")
            )
        raise Refused(f"重定向超过 {self.policy.max_redirects} 次", code="E-FETCH-REDIRECTS")
