"""The Agents SDK's connector clients, built with igbot's own outbound token.

The SDK's default factory would fetch tokens through MSAL from Microsoft's fixed addresses;
this one asks `OutboundToken`, which honours `TEAMS_TOKEN_URL` and sends no token at all in
anonymous local testing.
"""

from __future__ import annotations

from microsoft_agents.hosting.core import ChannelServiceClientFactoryBase, TurnContext
from microsoft_agents.hosting.core.authorization import AuthenticationConstants, ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase, UserTokenClientBase
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.teams.auth import OutboundToken


class ConnectorFactory(ChannelServiceClientFactoryBase):
    def __init__(self, token: OutboundToken, app_id: str | None) -> None:
        self._token = token
        self._app_id = app_id or "anonymous"

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        return TeamsConnectorClient(endpoint=service_url, token=await self._token.get())

    async def create_user_token_client(
        self,
        context: TurnContext,
        claims_identity: ClaimsIdentity,
        use_anonymous: bool = False,
    ) -> UserTokenClientBase:
        # igbot asks for no user sign-in (OAuth cards): this client is never called, only closed.
        return UserTokenClient(endpoint=AuthenticationConstants.AGENTS_SDK_OAUTH_URL, token="", app_id=self._app_id)
