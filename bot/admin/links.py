"""One-time sign-in links: signed, short-lived, single use, and bound to one person.

A link carries the person's staff id, when it expires and a random nonce, signed with
IGBOT_SECRET_KEY (HMAC-SHA256). The signature stops anyone changing the person or the expiry;
the nonce's row in the database (storage/admin_access.py) makes the link usable once, on
whichever replica it reaches.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import Session

from storage import admin_access

LIFETIME = dt.timedelta(minutes=10)
_PURPOSE = "igbot sign-in link"


class LinkRefused(Exception):
    """The link cannot sign anyone in; the message says why, for the person holding it."""


@dataclass(frozen=True)
class SignInToken:
    staff_id: int
    expires_at: dt.datetime
    nonce: str

    def payload(self) -> str:
        return f"{self.staff_id}.{int(self.expires_at.timestamp())}.{self.nonce}"


def issue(*, session: Session, secret_key: str, staff_id: int, now: dt.datetime) -> str:
    """A new link token for this person, valid for ten minutes from `now`."""
    nonce = secrets.token_urlsafe(24)
    stored = admin_access.issue_link(session=session, staff_id=staff_id, nonce=nonce, now=now, lifetime=LIFETIME)
    token = SignInToken(staff_id, stored.expires_at.replace(microsecond=0), nonce)
    return f"{token.payload()}.{_signature(secret_key, token.payload())}"


def url_for(public_url: str, token: str) -> str:
    return f"{public_url}/admin/sign-in/{token}"


def read(token_text: str, *, secret_key: str) -> SignInToken:
    """The token's contents, once its signature is checked; LinkRefused when it was not made by igbot."""
    parts = token_text.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        raise LinkRefused("not_valid")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(secret_key, payload), parts[3]):
        raise LinkRefused("not_valid")
    return SignInToken(int(parts[0]), dt.datetime.fromtimestamp(int(parts[1]), dt.UTC), parts[2])


def check(*, session: Session, token: SignInToken, now: dt.datetime) -> None:
    """Refuse a link that has expired, was used, or was not issued to the person it names."""
    if now >= token.expires_at:
        raise LinkRefused("expired")
    stored = admin_access.get_link(session=session, nonce=token.nonce)
    if stored is None or stored.staff_id != token.staff_id:
        raise LinkRefused("not_valid")
    if stored.used_at is not None:
        raise LinkRefused("used")
    if now >= stored.expires_at:
        raise LinkRefused("expired")


def use(*, session: Session, token: SignInToken, now: dt.datetime) -> None:
    """Use the link up: only the first request to get here succeeds."""
    check(session=session, token=token, now=now)
    if not admin_access.use_link(session=session, nonce=token.nonce, staff_id=token.staff_id, now=now):
        raise LinkRefused("used")


def form_key(secret_key: str, token_text: str) -> str:
    """The value the sign-in form sends back with the link, so the form cannot be posted from elsewhere blind."""
    return _signature(secret_key, f"form|{token_text}")


def _signature(secret_key: str, payload: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), f"{_PURPOSE}|{payload}".encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
