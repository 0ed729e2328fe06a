"""Texts about the marketplace account a Telegram user is linked to (pure)."""

from __future__ import annotations

from html import escape

from bot.domain.model import Order


def linked_text(account: str, created: list[Order], refused: int) -> str:
    """The confirmation after a link was opened: the account, and what waited for it."""
    lines = [
        f"✅ Your Telegram is now linked to your marketplace account <b>{escape(account)}</b>.",
        "Orders the marketplace creates for this account will appear here.",
    ]
    if created:
        ids = ", ".join(f"<b>{o.id}</b>" for o in created)
        one = len(created) == 1
        lines.append(
            f"\n🧾 {'An order' if one else f'{len(created)} orders'} waited for this link and "
            f"{'is' if one else 'are'} now open: {ids}. See /orders."
        )
    if refused:
        lines.append(
            f"\n⚠️ {refused} waiting order(s) could not be opened: you are both their buyer "
            "and their seller. The marketplace can see them."
        )
    lines.append("\nSend /unlink to undo this.")
    return "\n".join(lines)


def unlink_prompt(account: str) -> str:
    """/unlink's question before it acts."""
    return (
        f"Unlink your Telegram from the marketplace account <b>{escape(account)}</b>?\n\n"
        "Your existing orders stay here. New orders for the account will wait until it is "
        "linked again."
    )


def unlinked_text(account: str) -> str:
    """After /unlink."""
    return (
        f"🔓 Unlinked from the marketplace account <b>{escape(account)}</b>. To link again, "
        "open a new link from the marketplace."
    )


KEPT_LINKED = "OK, your Telegram stays linked."
