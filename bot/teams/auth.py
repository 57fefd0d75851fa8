"""Who may talk to igbot over Teams, and how igbot proves itself when it talks back.

Inbound: every request to /api/messages carries a JWT signed by the Bot Framework (or by the
organisation's Entra tenant). Its signature is checked against the keys published at the
OpenID metadata URLs, its audience must be our app id, its issuer the one that metadata names,
and its `serviceurl` claim the activity's. The Agents SDK's own validator always fetches
keys from Microsoft's fixed addresses, so it cannot be pointed at anything else; this one
reads `TEAMS_OPENID_METADATA_URL`, which is how the tests run without the internet.

Outbound: with an app password, a client-credentials token from Entra (or `TEAMS_TOKEN_URL`);
in anonymous local testing, no token at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt

log = logging.getLogger(__name__)

BOT_FRAMEWORK_OPENID_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
CLOCK_SKEW_SECONDS = 300
_KEYS_LIFETIME_SECONDS = 24 * 3600
_UNKNOWN_KEY_REFETCH_SECONDS = 300
_FAILED_RETRY_SECONDS = 60
_TOKEN_EARLY_RENEWAL_SECONDS = 300
_TIMEOUT = aiohttp.ClientTimeout(total=10)


class Unauthorized(Exception):
    """The request's token is missing, malformed, expired, for someone else or wrongly signed."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched: a fault on the way, not the caller's."""


class TokenUnavailable(Exception):
    """igbot could not get its own token for the Bot Connector: a fault on igbot's side, not the conversation's."""


class HttpClient:
    """One aiohttp session for igbot's own calls to Microsoft, opened on first use inside the event loop."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def entra_openid_metadata(tenant_id: str) -> str:
    return f"https://login.microsoftonline.com/{tenant_id}/v2.0/.well-known/openid-configuration"


def entra_token_url(tenant_id: str) -> str:
    return f"https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token"


@dataclass
class _SigningKey:
    key: jwt.PyJWK
    endorsements: tuple[str, ...]


@dataclass
class _Issuer:
    """One OpenID metadata document: its issuer name and the keys it signs with."""

    metadata_url: str
    name: str = ""
    keys: dict[str, _SigningKey] = field(default_factory=dict)
    fetched_at: float = 0.0
    failed_at: float = -1e9


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    endorsements: tuple[str, ...]

    def check(self, *, service_url: str | None, channel_id: str | None) -> None:
        """The token must have been issued for this activity's service URL and channel."""
        claimed_url = self.claims.get("serviceurl")
        if claimed_url and service_url and str(claimed_url).rstrip("/").lower() != service_url.rstrip("/").lower():
            raise Unauthorized("token was issued for another service URL")
        channel = (channel_id or "").split(":")[0]
        if self.endorsements and channel and channel not in self.endorsements:
            raise Unauthorized("signing key is not endorsed for this channel")


@dataclass
class TokenValidator:
    app_id: str
    metadata_urls: tuple[str, ...]
    http: HttpClient
    _issuers: list[_Issuer] = field(default_factory=list, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def validate(self, authorization: str | None) -> VerifiedToken:
        """The token's verified claims, or Unauthorized; KeysUnavailable when the keys cannot be fetched."""
        token = bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise Unauthorized("malformed token") from error
        kid, issuer_name = header.get("kid"), unverified.get("iss")
        if header.get("alg") != "RS256" or not isinstance(kid, str) or not isinstance(issuer_name, str):
            raise Unauthorized("token is not an RS256 token with a key id and an issuer")
        issuer = await self._issuer(issuer_name)
        signing = await self._key(issuer, kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key=signing.key, algorithms=["RS256"], audience=self.app_id, issuer=issuer.name,
                leeway=CLOCK_SKEW_SECONDS, options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(type(error).__name__) from error
        return VerifiedToken(claims=claims, endorsements=signing.endorsements)

    async def _issuer(self, name: str) -> _Issuer:
        failures: list[KeysUnavailable] = []
        async with self._lock:
            if not self._issuers:
                self._issuers = [_Issuer(url) for url in self.metadata_urls]
            for issuer in self._issuers:
                if _due(issuer):
                    try:
                        await self._load(issuer)
                    except KeysUnavailable as error:
                        issuer.failed_at = time.monotonic()
                        failures.append(error)
        for issuer in self._issuers:
            if issuer.name and issuer.name == name:
                return issuer
        if failures:
            raise failures[0]
        raise Unauthorized("token from an issuer that is not trusted")

    async def _key(self, issuer: _Issuer, kid: str) -> _SigningKey:
        signing = issuer.keys.get(kid)
        if signing is None and time.monotonic() - issuer.fetched_at > _UNKNOWN_KEY_REFETCH_SECONDS:
            async with self._lock:  # keys are rotated now and then: look again, at most every few minutes
                await self._load(issuer)
            signing = issuer.keys.get(kid)
        if signing is None:
            raise Unauthorized("token signed with an unknown key")
        return signing

    async def _load(self, issuer: _Issuer) -> None:
        metadata = await self._get_json(issuer.metadata_url)
        jwks = await self._get_json(str(metadata.get("jwks_uri", "")))
        keys: dict[str, _SigningKey] = {}
        for entry in jwks.get("keys", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str) or entry.get("kty") != "RSA":
                continue
            try:
                key = jwt.PyJWK(entry, algorithm="RS256")
            except jwt.PyJWTError:
                log.warning("skipping an unreadable signing key kid=%s", entry.get("kid"))
                continue
            keys[entry["kid"]] = _SigningKey(key, tuple(str(item) for item in entry.get("endorsements", [])))
        issuer.name = str(metadata.get("issuer", ""))
        issuer.keys = keys
        issuer.fetched_at = time.monotonic()
        log.info("loaded signing keys issuer=%s keys=%d", issuer.name, len(keys))

    async def _get_json(self, url: str) -> dict[str, Any]:
        if not url.startswith(("https://", "http://")):
            raise KeysUnavailable(f"no usable address for the signing keys ({url!r})")
        try:
            async with self.http.session.get(url) as response:
                response.raise_for_status()
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise KeysUnavailable(f"cannot fetch {url}: {type(error).__name__}") from error
        if not isinstance(body, dict):
            raise KeysUnavailable(f"{url} did not answer with a JSON object")
        return body


def _due(issuer: _Issuer) -> bool:
    """Never loaded or a day old, and not tried in vain in the last minute."""
    now = time.monotonic()
    if now - issuer.failed_at < _FAILED_RETRY_SECONDS:
        return False
    return not issuer.name or now - issuer.fetched_at > _KEYS_LIFETIME_SECONDS


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(char.isspace() for char in token):
        raise Unauthorized("Authorization header is not a bearer token")
    return token


@dataclass
class OutboundToken:
    """The token igbot sends to the Bot Connector: client credentials from Entra, or none when anonymous."""

    http: HttpClient
    app_id: str | None = None
    app_password: str | None = None
    token_url: str | None = None
    _token: str = field(default="", init=False)
    _expires_at: float = field(default=0.0, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    @property
    def anonymous(self) -> bool:
        return not (self.app_id and self.app_password and self.token_url)

    async def get(self) -> str:
        if self.anonymous:
            return ""
        async with self._lock:
            if time.monotonic() >= self._expires_at:
                await self._fetch()
            return self._token

    async def _fetch(self) -> None:
        """Raises TokenUnavailable, never the HTTP error itself, so a refusal here is not taken for the connector's."""
        assert self.token_url and self.app_id and self.app_password
        form = {"grant_type": "client_credentials", "client_id": self.app_id, "client_secret": self.app_password,
                "scope": BOT_FRAMEWORK_SCOPE}
        try:
            async with self.http.session.post(self.token_url, data=form) as response:
                status, body = response.status, await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise TokenUnavailable(f"cannot reach the token endpoint: {type(error).__name__}") from error
        if status != 200 or not isinstance(body, dict) or "access_token" not in body:
            code = body.get("error") if isinstance(body, dict) else None
            raise TokenUnavailable(f"token request refused with {status} ({code or 'no token'})")
        self._token = str(body["access_token"])
        lifetime = int(body.get("expires_in", 3600))
        self._expires_at = time.monotonic() + max(lifetime - _TOKEN_EARLY_RENEWAL_SECONDS, 30)
        log.info("fetched a Bot Connector token lifetime=%ds", lifetime)
