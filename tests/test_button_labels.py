"""Button labels: what a person reads on a button is whole words."""

from __future__ import annotations


def test_help_topic_buttons_are_cut_at_a_word_boundary() -> None:
    from bot.help_center import load_index
    from handlers.inbound.faq_chat import topics_keyboard

    index = load_index()
    titles = {d.title for d in index.documents}
    for row in topics_keyboard(index.documents).inline_keyboard:
        label = row[0].text
        if label in titles:
            continue
        assert label.endswith("…"), label
        kept = label.removesuffix("…")
        title = next(t for t in titles if t.startswith(kept))
        assert title[len(kept)] in " ,.;:-·?", (label, title)  # a whole word was kept
