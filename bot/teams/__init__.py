"""Microsoft Teams: the Microsoft 365 Agents SDK on the one aiohttp server, replies as Adaptive Cards."""
