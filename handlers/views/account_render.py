"""Texts about the marketplace account a Telegram user is linked to (pure)."""

from __future__ import annotations

from html import escape

from bot.domain.model import Order
from handlers.views.i18n import N_, _, ngettext


def linked_text(account: str, created: list[Order], refused: int) -> str:
    """The confirmation after a link was opened: the account, and what waited for it."""
    lines = [
        _("✅ Your Telegram is now linked to your marketplace account <b>{account}</b>.").format(
            account=escape(account)
        ),
        _("Orders the marketplace creates for this account will appear here."),
    ]
    if created:
        ids = ", ".join(f"<b>{o.id}</b>" for o in created)
        opened = ngettext(
            "🧾 An order waited for this link and is now open: {ids}. See /orders.",
            "🧾 {n} orders waited for this link and are now open: {ids}. See /orders.",
            len(created),
        )
        lines.append("\n" + opened.format(n=len(created), ids=ids))
    if refused:
        lines.append(
            "\n"
            + ngettext(
                "⚠️ {n} waiting order could not be opened: you are both its buyer and its "
                "seller. The marketplace can see it.",
                "⚠️ {n} waiting orders could not be opened: you are both their buyer and "
                "their seller. The marketplace can see them.",
                refused,
            ).format(n=refused)
        )
    lines.append("\n" + _("Send /unlink to undo this."))
    return "\n".join(lines)


def unlink_prompt(account: str) -> str:
    """/unlink's question before it acts."""
    return _(
        "Unlink your Telegram from the marketplace account <b>{account}</b>?\n\n"
        "Your existing orders stay here. New orders for the account will wait until it is "
        "linked again."
    ).format(account=escape(account))


def unlinked_text(account: str) -> str:
    """After /unlink."""
    return _(
        "🔓 Unlinked from the marketplace account <b>{account}</b>. To link again, "
        "open a new link from the marketplace."
    ).format(account=escape(account))


KEPT_LINKED = N_("OK, your Telegram stays linked.")
