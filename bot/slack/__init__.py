"""Slack: igbot in direct messages, mentions, the `/ig` command, App Home and modals.

`mount` puts Slack on the aiohttp server; `SlackMessenger` sends direct messages for the outbox.
"""

from bot.slack.http import SLACK_CHANNEL, build_bolt_app, create_channel, mount
from bot.slack.messenger import SlackMessenger

__all__ = ["SLACK_CHANNEL", "SlackMessenger", "build_bolt_app", "create_channel", "mount"]
