"""Telegram only: parse the update, call one service, render the answer."""
