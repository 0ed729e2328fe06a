"""Parse modes and entities of the fake Bot API, checked against Telegram's own behaviour."""

from __future__ import annotations

import pytest

from sandbox.fake_bot_api.errors import ApiError
from sandbox.fake_bot_api.formatting import (
    detect_entities,
    entity_text,
    format_text,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)


def test_offsets_count_utf16_code_units_so_emoji_take_two() -> None:
    parsed = parse_html("😀 <b>paid</b>")
    assert parsed.text == "😀 paid"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 4}]
    assert entity_text(parsed.text, parsed.entities[0]) == "paid"
    assert utf16_len("😀") == 2


def test_html_entities_are_decoded_and_unknown_ones_stay_literal() -> None:
    assert parse_html("&lt;b&gt; &amp; &quot; &#128512; &#x41; &nbsp;").text == (
        '<b> & " 😀 A &nbsp;'
    )


def test_html_nesting_links_and_code_blocks() -> None:
    parsed = parse_html(
        '<b>a<i>b</i></b> <a href="https://example.com">site</a> '
        '<pre><code class="language-python">x = 1</code></pre>'
    )
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
        {"type": "text_link", "offset": 3, "length": 4, "url": "https://example.com"},
        {"type": "pre", "offset": 8, "length": 5, "language": "python"},
    ]


def test_html_tags_are_case_insensitive() -> None:
    assert parse_html("<B>x</B>").entities == [{"type": "bold", "offset": 0, "length": 1}]


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<u>x</b>", 'Unmatched end tag at byte offset 6, expected "</u>", found "</b>"'),
        ("</b>", "Unexpected end tag at byte offset 0"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_malformed_html_fails_with_telegrams_wording(html: str, description: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_html(html)
    assert raised.value.error_code == 400
    assert raised.value.description == f"Bad Request: can't parse entities: {description}"


def test_markdown_v2_markup_and_escapes() -> None:
    parsed = parse_markdown_v2(r"*bold* _it_ __u__ ~s~ ||sp|| `c` [site](https://x.io) 10\.5")
    assert parsed.text == "bold it u s sp c site 10.5"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("Total: 10.5", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("Order #1", "Character '#' is reserved and must be escaped with the preceding '\\'"),
        ("*open", "Can't find end of Bold entity at byte offset 0"),
    ],
)
def test_unescaped_markdown_v2_fails_like_telegram(text: str, description: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_markdown_v2(text)
    assert raised.value.description == f"Bad Request: can't parse entities: {description}"


def test_legacy_markdown() -> None:
    parsed = parse_markdown(r"*b* _i_ `c` [l](https://a.io) snake\_case")
    assert parsed.text == "b i c l snake_case"
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 0"):
        parse_markdown("*open")


def test_telegram_detects_commands_mentions_urls_hashtags_and_emails_by_itself() -> None:
    text = "/order@kchat_bot K1 @alice_99 https://a.io/x #refund help@kchat.io file.pdf"
    assert [(e["type"], entity_text(text, e)) for e in detect_entities(text)] == [
        ("bot_command", "/order@kchat_bot"),
        ("mention", "@alice_99"),
        ("url", "https://a.io/x"),
        ("hashtag", "#refund"),
        ("email", "help@kchat.io"),
    ]


def test_sent_text_is_trimmed_and_entities_follow() -> None:
    formatted = format_text("  <b> hi </b> /help  ", "HTML")
    assert formatted.text == "hi  /help"
    assert formatted.entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "bot_command", "offset": 4, "length": 5},
    ]


def test_unknown_parse_mode_is_rejected() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")


@pytest.mark.parametrize(
    ("text", "commands"),
    [
        ("</b> and </i>", []),
        ("<b>bold</b>", []),
        ("a </b>/help", []),
        ("/b> or </b", []),
        ("path/to/file and 1/2", []),
        ("https://a.io/help is a link", []),
        ("//help", []),
        ("/start@kc x", []),  # a bot name of two letters voids the command
        ("(/orders) and /help.", ["/orders", "/help"]),
        ("see /refund_K1234567, then /start@kchat_bot", ["/refund_K1234567", "/start@kchat_bot"]),
        ("«/balance»", ["/balance"]),
    ],
)
def test_a_bot_command_starts_at_a_word_boundary_as_telegram_finds_it(
    text: str, commands: list[str]
) -> None:
    found = [entity_text(text, e) for e in detect_entities(text) if e["type"] == "bot_command"]
    assert found == commands


def test_a_user_typing_a_closing_tag_gets_no_command_in_it() -> None:
    formatted = format_text("I typed </b> and /orders")
    commands = [entity_text(formatted.text, e) for e in formatted.entities]
    assert commands == ["/orders"]
