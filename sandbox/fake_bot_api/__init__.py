"""A local stand-in for Telegram's Bot API: world model, HTTP server, faults and test harness.

Real Bot API clients talk to it over HTTP exactly as they talk to api.telegram.org, so the bot
runs unchanged in end-to-end tests and in the sandbox.
"""

from sandbox.fake_bot_api.errors import ApiError
from sandbox.fake_bot_api.faults import Fault, FaultPlan, RecordedRequest, RequestLog
from sandbox.fake_bot_api.harness import (
    DEFAULT_TOKEN,
    Button,
    ButtonNotFoundError,
    CallbackAnswer,
    FakeGroup,
    FakeTelegram,
    FakeUser,
    MessageView,
    TopicView,
)
from sandbox.fake_bot_api.limits import FloodControl, FloodLimits
from sandbox.fake_bot_api.server import FakeBotApiServer
from sandbox.fake_bot_api.state import TelegramState

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Button",
    "ButtonNotFoundError",
    "CallbackAnswer",
    "FakeBotApiServer",
    "FakeGroup",
    "FakeTelegram",
    "FakeUser",
    "Fault",
    "FaultPlan",
    "FloodControl",
    "FloodLimits",
    "MessageView",
    "RecordedRequest",
    "RequestLog",
    "TelegramState",
    "TopicView",
]
