"""Registers every handler in one visible order."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach the bot's handlers to `app`."""
    del app
