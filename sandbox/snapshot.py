"""The page's view of the world: three chats as a Telegram client would draw them, as JSON.

Texts travel with their `entities` (UTF-16 offsets, as the Bot API gives them) and the page
builds the formatting from those itself; nothing here is HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.model import Order, Status
from bot.domain.money import display
from handlers.views.render import fmt_time
from sandbox.fake_bot_api import MessageView
from sandbox.fake_bot_api.state import Message, User
from sandbox.hint import current_hint
from sandbox.seed import Story
from sandbox.world import AGENT, BUYER, SELLER, Person, World

JsonDict = dict[str, Any]

# How many button answers (toasts and alerts) a pane keeps; the page shows only new ones.
NOTICES_KEPT = 10
SNIPPET_CHARS = 90


@dataclass(frozen=True)
class Pane:
    """One column of the page: whose phone it is and which chat it shows."""

    key: str
    role: str
    person: Person
    chat_id: int


def panes(world: World) -> list[Pane]:
    """Buyer, seller and support group, left to right."""
    return [
        Pane("buyer", "Buyer", BUYER, BUYER.id),
        Pane("seller", "Seller", SELLER, SELLER.id),
        Pane("support", "Support agent", AGENT, world.group.chat_id),
    ]


def _full_name(user: User | None) -> str:
    if user is None:
        return "Deleted Account"
    return f"{user.first_name} {user.last_name}" if user.last_name else user.first_name


def _local(unix: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(unix, UTC).astimezone(tz)


def _service_text(world: World, view: MessageView) -> str | None:
    raw = view.raw
    who = _full_name(world.tg.state.users.get(view.sender_id))
    if "forum_topic_created" in raw:
        return f"{who} created the topic “{raw['forum_topic_created']['name']}”"
    if "forum_topic_edited" in raw:
        name = raw["forum_topic_edited"].get("name")
        return f"{who} renamed the topic to “{name}”" if name else f"{who} edited the topic"
    if "forum_topic_closed" in raw:
        return f"{who} closed the topic"
    if "forum_topic_reopened" in raw:
        return f"{who} reopened the topic"
    if "new_chat_members" in raw:
        names = ", ".join(str(u.get("first_name", "")) for u in raw["new_chat_members"])
        return f"{names} joined the group"
    if "left_chat_member" in raw:
        return f"{raw['left_chat_member'].get('first_name', '')} left the group"
    if "pinned_message" in raw:
        return f"{who} pinned a message"
    if view.content_type not in ("text", *_MEDIA_KINDS):
        return view.content_type.replace("_", " ")
    return None


_MEDIA_KINDS = ("photo", "document", "voice", "sticker", "video", "audio", "animation")
_MEDIA_LABELS = {
    "photo": "Photo",
    "document": "File",
    "voice": "Voice message",
    "sticker": "Sticker",
    "video": "Video",
    "audio": "Audio",
    "animation": "GIF",
}


def _snippet(message: Message) -> str:
    text = " ".join(message.content.split())
    if message.media_kind is not None:
        label = _MEDIA_LABELS.get(str(message.media_kind), "File")
        if message.file is not None and message.file.file_name:
            label = message.file.file_name
        text = f"{label}{' · ' + text if text else ''}"
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def _reply(world: World, view: MessageView) -> JsonDict | None:
    target_id = view.reply_to_message_id
    # Telegram quirk: a topic message "replies" to the topic's creation message; not a quote.
    if target_id is None or target_id == view.message_thread_id:
        return None
    target = world.tg.state.message(view.chat_id, target_id)
    if target is None:
        return {"id": target_id, "name": "", "snippet": "Deleted message"}
    return {
        "id": target_id,
        "name": _full_name(world.tg.state.users.get(target.sender_id)),
        "snippet": _snippet(target),
    }


def _file(world: World, view: MessageView) -> JsonDict | None:
    if view.file_id is None:
        return None
    stored = world.tg.state.files.get(view.file_id)
    if stored is None:
        return None
    return {
        "url": f"/api/files/{stored.file_id}",
        "name": stored.file_name or _MEDIA_LABELS.get(str(stored.kind), "File"),
        "mime": stored.mime_type,
        "size": stored.size,
        "width": stored.width,
        "height": stored.height,
    }


def message_json(world: World, view: MessageView, me: int, tz: ZoneInfo) -> JsonDict:
    """One message as the page draws it."""
    when = _local(view.date, tz)
    return {
        "id": view.message_id,
        "rev": view.revision,
        "thread": view.message_thread_id,
        "from": {
            "id": view.sender_id,
            "name": _full_name(world.tg.state.users.get(view.sender_id)),
            "bot": view.from_bot,
        },
        "out": view.sender_id == me,
        "time": f"{when:%H:%M}",
        "day": f"{when:%a} {when.day} {when:%b} {when.year}",
        "edited": view.edit_date is not None,
        "kind": view.content_type,
        "text": view.content,
        "entities": list(view.entities),
        "buttons": [
            [{"text": b.text, "data": b.callback_data, "url": b.url} for b in row]
            for row in view.buttons
        ],
        "file": _file(world, view),
        "reply": _reply(world, view),
        "service": _service_text(world, view),
        "album": view.media_group_id,
    }


def _notices(world: World, pane: Pane) -> list[JsonDict]:
    answered = [
        q
        for q in world.tg.state.callback_queries.values()
        if q.user_id == pane.person.id and q.chat_id == pane.chat_id and q.answered
    ]
    # Answers without text count too: they tell the page the tap's wait is over.
    return [
        {"id": q.id, "text": q.answer_text, "alert": q.show_alert} for q in answered[-NOTICES_KEPT:]
    ]


def _topics(world: World) -> list[JsonDict]:
    """The forum's topics as the agent sees them: whether each is closed, whether she may
    still write there (a closed topic takes administrators only) and close or reopen it."""
    if not world.forum:
        return []
    group, agent = world.group, world.agent
    topics: list[JsonDict] = [
        {
            "id": None,
            "name": "General",
            "color": None,
            "closed": False,
            "can_post": group.may_post_in(agent, None),
            "can_manage": False,
        }
    ]
    topics += [
        {
            "id": t.message_thread_id,
            "name": t.name,
            "color": f"#{t.icon_color:06x}",
            "closed": t.is_closed,
            "can_post": group.may_post_in(agent, t.message_thread_id),
            "can_manage": group.may_manage_topic(agent, t.message_thread_id),
        }
        for t in group.topics()
    ]
    return topics


async def pane_json(world: World, pane: Pane, tz: ZoneInfo, currency: str) -> JsonDict:
    """One column: the chat's messages, its topics, the person's balance, new toasts."""
    if pane.key == "support":
        views = world.group.messages(everyone=True)
        members = sum(
            1 for m in world.tg.state.chats[pane.chat_id].members.values() if m.is_present
        )
        title, subtitle = world.group.title, f"{members} members"
        kind = "forum" if world.forum else "group"
        balance = None
    else:
        views = [world.tg.view(m) for m in world.tg.state.chat_messages(pane.chat_id)]
        title, subtitle, kind = world.tg.state.bot.first_name, "bot", "private"
        balances = await world.services.orders.balances(pane.person.id)
        balance = ", ".join(display(v, cur) for cur, v in balances.items()) or display(0, currency)
    return {
        "id": pane.key,
        "role": pane.role,
        "person": {
            "id": pane.person.id,
            "name": pane.person.first_name,
            "username": pane.person.username,
            "language": world.tg.state.users[pane.person.id].language_code or "en",
        },
        "kind": kind,
        "title": title,
        "subtitle": subtitle,
        "balance": balance,
        "topics": _topics(world) if pane.key == "support" else [],
        "messages": [message_json(world, v, pane.person.id, tz) for v in views],
        "notices": _notices(world, pane),
    }


async def _open_orders(world: World) -> list[Order]:
    """The unfinished orders of the buyer and the seller, newest activity first."""
    unfinished = [s for s in Status if not s.finished]
    found: dict[str, Order] = {}
    for person in (BUYER, SELLER):
        for order in await world.services.orders.orders_of(person.id, unfinished, limit=50):
            found.setdefault(order.id, order)
    return list(found.values())


def _elapsed(delta: timedelta) -> str:
    """`+1 h`, `+1 h 15 min`, `+3 d 2 h`; empty before the first jump."""
    minutes = int(delta.total_seconds() // 60)
    if minutes <= 0:
        return ""
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else ""]
    parts.append(f"{mins} min" if mins and not days else "")
    return "+" + " ".join(p for p in parts if p)


async def snapshot(
    world: World, story: Story, *, epoch: int, tz: ZoneInfo, currency: str
) -> JsonDict:
    """Everything the page shows."""
    now = world.clock.now()
    elapsed = now - world.started_at
    return {
        "ready": True,
        "epoch": epoch,
        "clock": {
            "iso": now.isoformat(),
            "label": fmt_time(now, tz),
            "elapsed": _elapsed(elapsed),
        },
        "hint": current_hint(await _open_orders(world), story),
        "bot": {"name": world.tg.state.bot.first_name, "username": world.tg.bot_username},
        "commands": world.tg.command_menu(),
        "panes": [await pane_json(world, pane, tz, currency) for pane in panes(world)],
    }
