"""Message text formatting: parse modes, entities and Telegram's UTF-16 offsets.

The parsers follow the rules (and the error wording) of Telegram's own parser in TDLib, so a
bot that sends malformed HTML or unescaped MarkdownV2 fails here the way it fails in production:
https://core.telegram.org/bots/api#formatting-options
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.fake_bot_api.errors import ApiError, bad_request

JsonDict = dict[str, Any]
UserResolver = Callable[[int], JsonDict | None]

# TDLib's notion of whitespace inside tags.
_SPACES = frozenset(" \t\r\n\x00\x0b\x0c")
_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/\S*)?$")
_MENTION_URL = re.compile(r"^tg://user\?id=(\d+)$")

KNOWN_ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
    }
)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


@dataclass(frozen=True)
class FormattedText:
    """Text as Telegram stores it: plain characters plus entities with UTF-16 offsets."""

    text: str
    entities: list[JsonDict] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Length in UTF-16 code units, the unit of every Telegram limit and offset."""
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Return the length of `text` in UTF-16 code units (astral characters count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _entity_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _Output:
    """Accumulates parsed characters and tracks the UTF-16 offset of the end."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _OpenTag:
    tag: str
    argument: str
    offset: int
    first_entity: int
    byte_offset: int = 0


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, index: int) -> tuple[str, int] | None:
    match = _HTML_ENTITY.match(text, index)
    if match is None:
        return None
    name, decimal, hexadecimal = match.groups()
    if name:
        return _NAMED_HTML_ENTITIES[name], match.end() - index
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end() - index


def _link_entity(
    url: str, offset: int, length: int, resolve_user: UserResolver | None
) -> JsonDict | None:
    mention = _MENTION_URL.match(url)
    if mention:
        # Telegram turns tg://user?id= links into text_mention only for users the bot can see.
        user = resolve_user(int(mention.group(1))) if resolve_user else None
        if user is None:
            return None
        return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    if _URL_SCHEME.match(url):
        return {"type": "text_link", "offset": offset, "length": length, "url": url}
    if _BARE_DOMAIN.match(url):
        return {"type": "text_link", "offset": offset, "length": length, "url": f"http://{url}"}
    # An invalid URL silently loses its link rather than failing the whole message.
    return None


def parse_html(text: str, resolve_user: UserResolver | None = None) -> FormattedText:
    """Parse `parse_mode=HTML` text exactly as strictly as Telegram does."""
    out = _Output()
    stack: list[_OpenTag] = []
    entities: list[JsonDict] = []
    size = len(text)
    i = 0

    def skip_spaces(pos: int) -> int:
        while pos < size and text[pos] in _SPACES:
            pos += 1
        return pos

    while i < size:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is None:
                out.add("&")  # an unknown entity stays literal text, as in Telegram
                i += 1
            else:
                out.add(decoded[0])
                i += decoded[1]
            continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin = i
        i += 1
        if i >= size or text[i] != "/":
            while i < size and text[i] not in _SPACES and text[i] != ">":
                i += 1
            if i >= size:
                raise _entity_error(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            tag = text[begin + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise _entity_error(
                    f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                )
            argument = ""
            while True:
                i = skip_spaces(i)
                if i >= size:
                    raise _entity_error(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                if text[i] == ">":
                    break
                attribute_begin = i
                while i < size and text[i] not in _SPACES and text[i] not in "=>":
                    i += 1
                attribute = text[attribute_begin:i].lower()
                if not attribute:
                    raise _entity_error(
                        f'Empty attribute name in the tag "{tag}" at byte offset '
                        f"{_byte_offset(text, begin)}"
                    )
                i = skip_spaces(i)
                if tag == "blockquote" and attribute == "expandable" and text[i : i + 1] != "=":
                    argument = "expandable"
                    continue
                if i >= size or text[i] != "=":
                    raise _entity_error(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                        f"at byte offset {_byte_offset(text, begin)}"
                    )
                i = skip_spaces(i + 1)
                if i >= size:
                    raise _entity_error(
                        f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                    )
                if text[i] not in "'\"":
                    token_begin = i
                    while i < size and (
                        (text[i].isascii() and text[i].isalnum()) or text[i] in ".-"
                    ):
                        i += 1
                    value = text[token_begin:i].lower()
                    if i >= size or (text[i] not in _SPACES and text[i] != ">"):
                        raise _entity_error(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(text, token_begin)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    chunks: list[str] = []
                    while i < size and text[i] != quote:
                        decoded = _decode_html_entity(text, i) if text[i] == "&" else None
                        if decoded is None:
                            chunks.append(text[i])
                            i += 1
                        else:
                            chunks.append(decoded[0])
                            i += decoded[1]
                    i += 1
                    value = "".join(chunks)
                if tag == "a" and attribute == "href":
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value.removeprefix("language-")
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
                elif tag == "tg-emoji" and attribute == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise _entity_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            stack.append(_OpenTag(tag, argument, out.offset, len(entities)))
            i += 1
            continue
        # An end tag.
        if not stack:
            raise _entity_error(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
        i += 1
        name_begin = i
        while i < size and text[i] not in _SPACES and text[i] != ">":
            i += 1
        end_name = text[name_begin:i]
        i = skip_spaces(i)
        if i >= size or text[i] != ">":
            raise _entity_error(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
        i += 1
        opened = stack.pop()
        if end_name and end_name.lower() != opened.tag:
            raise _entity_error(
                f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                f'expected "</{opened.tag}>", found "</{end_name}>"'
            )
        _close_html_tag(opened, out, entities, resolve_user)
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return FormattedText(out.text(), _sorted(entities))


def _close_html_tag(
    opened: _OpenTag,
    out: _Output,
    entities: list[JsonDict],
    resolve_user: UserResolver | None,
) -> None:
    length = out.offset - opened.offset
    if length <= 0:
        return
    base: JsonDict = {"offset": opened.offset, "length": length}
    tag = opened.tag
    if tag == "a":
        url = opened.argument or out.text()[-length:]
        link = _link_entity(url, opened.offset, length, resolve_user)
        if link is not None:
            entities.append(link)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument == "expandable" else "blockquote"
        entities.append({"type": kind, **base})
    elif tag == "tg-emoji":
        entities.append({"type": "custom_emoji", **base, "custom_emoji_id": opened.argument})
    elif tag == "pre":
        entity: JsonDict = {"type": "pre", **base}
        # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
        inner = entities[opened.first_entity :]
        for candidate in inner:
            if (
                candidate["type"] == "code"
                and candidate["offset"] == opened.offset
                and candidate["length"] == length
                and candidate.get("language")
            ):
                entity["language"] = candidate["language"]
                entities.remove(candidate)
                break
        entities.append(entity)
    elif tag == "code":
        code: JsonDict = {"type": "code", **base}
        if opened.argument:
            code["language"] = opened.argument
        entities.append(code)
    else:
        entities.append({"type": _HTML_SIMPLE_TYPES[tag], **base})


def _sorted(entities: list[JsonDict]) -> list[JsonDict]:
    return sorted(entities, key=lambda entity: (entity["offset"], -entity["length"]))


_MARKDOWN_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def parse_markdown_v2(text: str, resolve_user: UserResolver | None = None) -> FormattedText:
    """Parse `parse_mode=MarkdownV2`; every reserved character outside markup must be escaped."""
    out = _Output()
    stack: list[_OpenTag] = []
    entities: list[JsonDict] = []
    quote_start: int | None = None
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        top = stack[-1] if stack else None
        if char == "\\" and i + 1 < size and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if char == "\n" and quote_start is not None and text[i + 1 : i + 2] != ">":
            if out.offset > quote_start:
                entities.append(
                    {
                        "type": "blockquote",
                        "offset": quote_start,
                        "length": out.offset - quote_start,
                    }
                )
            quote_start = None
        if top is not None and top.tag in ("code", "pre"):
            if top.tag == "pre" and text.startswith("```", i):
                _close_markdown(stack.pop(), out, entities, None)
                i += 3
            elif top.tag == "code" and char == "`":
                _close_markdown(stack.pop(), out, entities, None)
                i += 1
            else:
                out.add(char)
                i += 1
            continue
        if char not in _MARKDOWN_V2_RESERVED:
            out.add(char)
            i += 1
            continue
        if top is not None and _closes(top.tag, text, i):
            stack.pop()
            if top.tag == "text_link":
                i, url = _read_link_url(text, i + 1)
                top.argument = url
                _close_markdown(top, out, entities, resolve_user)
                continue
            _close_markdown(top, out, entities, resolve_user)
            i += 2 if top.tag in ("underline", "spoiler") else 1
            continue
        begin = i
        if char == "_" and text[i + 1 : i + 2] == "_":
            tag, i = "underline", i + 2
        elif char == "_":
            tag, i = "italic", i + 1
        elif char == "*":
            tag, i = "bold", i + 1
        elif char == "~":
            tag, i = "strikethrough", i + 1
        elif char == "|" and text[i + 1 : i + 2] == "|":
            tag, i = "spoiler", i + 2
        elif char == "[":
            tag, i = "text_link", i + 1
        elif char == "`" and text.startswith("```", i):
            tag, i = "pre", i + 3
            newline = text.find("\n", i)
            first_line = text[i:newline] if newline >= 0 else ""
            language = ""
            if newline >= 0 and first_line and not any(c in _SPACES for c in first_line):
                language = first_line
                i = newline + 1
            elif newline == i:
                i += 1
            stack.append(
                _OpenTag(tag, language, out.offset, len(entities), _byte_offset(text, begin))
            )
            continue
        elif char == "`":
            tag, i = "code", i + 1
        elif char == ">" and (i == 0 or text[i - 1] == "\n") and not stack:
            if quote_start is None:
                quote_start = out.offset
            i += 1
            continue
        else:
            raise _entity_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(_OpenTag(tag, "", out.offset, len(entities), _byte_offset(text, begin)))
    if stack:
        opened = stack[-1]
        raise _entity_error(
            f"Can't find end of {_MARKDOWN_V2_NAMES[opened.tag]} entity at byte offset "
            f"{opened.byte_offset}"
        )
    if quote_start is not None and out.offset > quote_start:
        entities.append(
            {"type": "blockquote", "offset": quote_start, "length": out.offset - quote_start}
        )
    return FormattedText(out.text(), _sorted(entities))


def _closes(tag: str, text: str, index: int) -> bool:
    char = text[index]
    following = text[index + 1 : index + 2]
    return {
        "bold": char == "*",
        "italic": char == "_" and following != "_",
        "underline": char == "_" and following == "_",
        "strikethrough": char == "~",
        "spoiler": char == "|" and following == "|",
        "text_link": char == "]",
    }.get(tag, False)


def _read_link_url(text: str, index: int) -> tuple[int, str]:
    """Read `(url)` after a link's `]`; returns the index after it and the URL ("" if none)."""
    if text[index : index + 1] != "(":
        return index, ""
    chunks: list[str] = []
    i = index + 1
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        chunks.append(text[i])
        i += 1
    return i + 1, "".join(chunks)


def _close_markdown(
    opened: _OpenTag, out: _Output, entities: list[JsonDict], resolve_user: UserResolver | None
) -> None:
    length = out.offset - opened.offset
    if length <= 0:
        return
    if opened.tag == "text_link":
        link = _link_entity(opened.argument, opened.offset, length, resolve_user)
        if link is not None:
            entities.append(link)
        return
    entity: JsonDict = {"type": opened.tag, "offset": opened.offset, "length": length}
    if opened.tag == "pre" and opened.argument:
        entity["language"] = opened.argument
    entities.append(entity)


def parse_markdown(text: str, resolve_user: UserResolver | None = None) -> FormattedText:
    """Parse the legacy `parse_mode=Markdown`: *bold*, _italic_, `code`, ```pre```, [a](url)."""
    out = _Output()
    entities: list[JsonDict] = []
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        begin = i
        is_pre = text.startswith("```", i)
        end_marker = "```" if is_pre else ("]" if char == "[" else char)
        i += 3 if is_pre else 1
        language = ""
        if is_pre:
            newline = text.find("\n", i)
            first_line = text[i:newline] if newline >= 0 else ""
            if newline >= 0 and first_line and not any(c in _SPACES for c in first_line):
                language, i = first_line, newline + 1
        end = text.find(end_marker, i)
        if end < 0:
            raise _entity_error(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        offset = out.offset
        out.add(text[i:end])
        length = out.offset - offset
        i = end + len(end_marker)
        if char == "[":
            i, url = _read_link_url(text, i)
            link = _link_entity(url, offset, length, resolve_user) if length else None
            if link is not None:
                entities.append(link)
            continue
        if length <= 0:
            continue
        kind = "pre" if is_pre else {"_": "italic", "*": "bold", "`": "code"}[char]
        entity: JsonDict = {"type": kind, "offset": offset, "length": length}
        if language:
            entity["language"] = language
        entities.append(entity)
    return FormattedText(out.text(), _sorted(entities))


# Entities Telegram finds on its own in any text, whoever sent it. A bot command follows
# tdlib's match_bot_commands: "/" not preceded by a word character, "/", "<" or ">" (so the
# "/b" in "</b>" is not one), 1-64 of [A-Za-z0-9_], an optional "@bot" of 3-32, and then no
# word character, "/", "<", ">" or a stray "@" (a bot name of the wrong length voids it).
# https://github.com/tdlib/td/blob/master/td/telegram/MessageEntity.cpp
_AUTO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])"),
    ),
    ("email", re.compile(r"(?<![\w.@])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?!\w)")),
    (
        "url",
        re.compile(
            r"(?<![\w@/.])(?:https?://[^\s<>]+|(?:www\.)?[\w-]+(?:\.[\w-]+)*"
            r"\.(?:com|org|net|io|ru|me|dev|app|co|uk|de|info|biz|ly|ai|gg|tv)(?::\d+)?"
            r"(?:/[^\s<>]*)?)(?<![.,;:!?)])"
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)


def detect_entities(text: str) -> list[JsonDict]:
    """Find the mentions, hashtags, commands, URLs and emails Telegram highlights by itself."""
    found: list[JsonDict] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            offset = utf16_len(text[:start])
            found.append({"type": kind, "offset": offset, "length": utf16_len(text[start:end])})
    return _sorted(found)


def _overlaps(entity: JsonDict, others: Sequence[JsonDict]) -> bool:
    start, end = entity["offset"], entity["offset"] + entity["length"]
    return any(
        start < other["offset"] + other["length"] and other["offset"] < end for other in others
    )


def _trim(formatted: FormattedText) -> FormattedText:
    """Strip surrounding whitespace the way Telegram does, shifting entities to match."""
    stripped = formatted.text.strip()
    if stripped == formatted.text:
        return formatted
    leading = utf16_len(formatted.text[: len(formatted.text) - len(formatted.text.lstrip())])
    total = utf16_len(stripped)
    entities: list[JsonDict] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - leading, 0)
        end = min(entity["offset"] + entity["length"] - leading, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


def _validated_entities(raw: object, text: str) -> list[JsonDict]:
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    entities: list[JsonDict] = []
    for item in raw:
        if not isinstance(item, dict) or item.get("type") not in KNOWN_ENTITY_TYPES:
            raise bad_request("can't parse entities JSON object")
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request("can't parse entities JSON object")
        # Telegram clips entities that run past the text instead of rejecting them.
        end = min(offset + length, total)
        if offset >= 0 and end > offset:
            entities.append({**item, "offset": offset, "length": end - offset})
    return _sorted(entities)


def format_text(
    text: str,
    parse_mode: str | None = None,
    entities: object = None,
    resolve_user: UserResolver | None = None,
) -> FormattedText:
    """Turn a sent text plus `parse_mode` or explicit `entities` into what Telegram stores."""
    if entities is not None:
        formatted = FormattedText(text, _validated_entities(entities, text))
    elif not parse_mode:
        formatted = FormattedText(text)
    else:
        mode = parse_mode.lower()
        if mode == "html":
            formatted = parse_html(text, resolve_user)
        elif mode == "markdownv2":
            formatted = parse_markdown_v2(text, resolve_user)
        elif mode == "markdown":
            formatted = parse_markdown(text, resolve_user)
        else:
            raise bad_request("unsupported parse_mode")
    formatted = _trim(formatted)
    automatic = [e for e in detect_entities(formatted.text) if not _overlaps(e, formatted.entities)]
    return FormattedText(formatted.text, _sorted([*formatted.entities, *automatic]))


def entity_text(text: str, entity: JsonDict) -> str:
    """Return the part of `text` an entity covers, honouring UTF-16 offsets."""
    encoded = text.encode("utf-16-le")
    start = entity["offset"] * 2
    return encoded[start : start + entity["length"] * 2].decode("utf-16-le")
