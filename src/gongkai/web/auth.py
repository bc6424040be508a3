"""Passwords (argon2id), signed session cookies and CSRF tokens. No global state: the secret is passed in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("admin", "reviewer", "uploader", "viewer")
SESSION_COOKIE = "gongkai_session"
SESSION_SECONDS = 12 * 3600

_hasher = PasswordHasher()  # stateless settings object, not mutable state


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()).decode().rstrip("=")


def make_session(secret: bytes, user: str, now: float | None = None) -> str:
    payload = json.dumps({"u": user, "t": int(now if now is not None else time.time())}).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(secret, payload)}"


def read_session(secret: bytes, cookie: str | None, now: float | None = None) -> str | None:
    """The user name in a valid, unexpired cookie; None for anything else (tampered, expired, malformed)."""
    if not cookie or "." not in cookie:
        return None
    body, sig = cookie.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        data = json.loads(payload)
    except (ValueError, json.JSONDecodeError):
        return None
    if not hmac.compare_digest(_sign(secret, payload), sig) or not isinstance(data, dict):
        return None
    if (now if now is not None else time.time()) - data.get("t", 0) > SESSION_SECONDS:
        return None
    user = data.get("u")
    return user if isinstance(user, str) else None


def csrf_token(secret: bytes, session: str) -> str:
    """Bound to the session (or, before login, to the anonymous marker cookie)."""
    return _sign(secret, b"csrf:" + session.encode())


def csrf_ok(secret: bytes, session: str | None, token: str | None) -> bool:
    if not session or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, session), token)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def can_review(user) -> bool:
    """``user`` None means the open single-person mode (loopback, no users): that person does everything."""
    return user is None or user.role in ("admin", "reviewer")


def can_upload(user) -> bool:
    return user is None or user.role in ("admin", "uploader")


def region_of(user) -> str | None:
    """The region a user is limited to; admins see everything."""
    return None if user is None or user.role == "admin" else user.region
