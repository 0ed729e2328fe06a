"""Each person chooses the language the bot speaks with them (/language); until they do, it is
their Telegram's. The choice is kept, follows them into the help center and their "/" menu,
and a bad language or a forged button changes nothing."""

from __future__ import annotations

from bot.domain.errors import InvalidInput
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.support import BUYER, Running, tap_data


async def _kept(kchat: Running, user_id: int) -> tuple[str | None, str | None]:
    user = await kchat.services.chat.user(user_id)
    assert user is not None
    return user.language, user.telegram_language


def _chat_menu(kchat: Running, chat_id: int) -> dict[str, str]:
    menu = kchat.tg.command_menu({"type": "chat", "chat_id": chat_id})
    return {c["command"]: c["description"] for c in menu}


async def test_an_english_telegram_user_switches_to_malay_with_the_buttons(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    buyer.send("/language")
    asked = await buyer.wait_for_message(contains="🌐 I speak English with you.")
    assert asked.button_texts == [["✓ English"], ["Bahasa Melayu"], ["Same as my Telegram"]]

    buyer.tap("Bahasa Melayu", asked)
    said = await buyer.wait_for_message(contains="mulai sekarang")
    assert said.content == "🌐 Baik, mulai sekarang saya guna Bahasa Melayu dengan anda."
    await kchat.settle()
    assert await _kept(kchat, BUYER) == ("ms", None)
    answered = kchat.tg.message(BUYER, asked.message_id)
    assert answered is not None and answered.button_texts == []  # the question is answered
    assert _chat_menu(kchat, BUYER)["orders"] == "Pesanan anda dan apa yang berlaku seterusnya"

    # The help center follows the choice, though Telegram still says English.
    buyer.send("how to partial refund")
    reply = await buyer.wait_for_message(contains="Bagaimana meminta bayaran balik sebahagian?")
    assert reply.content.endswith("Adakah jawapan ini membantu?")


async def test_a_malay_telegram_user_chooses_english_and_can_follow_telegram_again(
    kchat: Running,
) -> None:
    await kchat.settle()
    aminah = kchat.tg.user(7301, "Aminah", language_code="ms-MY")
    aminah.start()
    aminah.send("/language")
    asked = await aminah.wait_for_message(contains="Nak guna bahasa apa?")
    assert asked.content.startswith("🌐 Saya guna Bahasa Melayu dengan anda.")
    assert asked.button_texts == [["English"], ["✓ Bahasa Melayu"], ["Ikut bahasa Telegram saya"]]
    assert await _kept(kchat, 7301) == (None, "ms-my")

    aminah.tap("English", asked)
    await aminah.wait_for_message(contains="I'll speak English with you from now on.")
    assert await _kept(kchat, 7301) == ("en", "ms-my")
    aminah.send("how to partial refund")
    await aminah.wait_for_message(contains="How to partially refund an order?")

    aminah.send("/language follow")
    said = await aminah.wait_for_message(contains="ikut bahasa Telegram")
    assert said.content == "🌐 Baik, saya ikut bahasa Telegram anda: Bahasa Melayu."
    await kchat.settle()
    assert await _kept(kchat, 7301) == (None, "ms-my")
    assert _chat_menu(kchat, 7301) == {}  # back to the menu of Telegram's language


async def test_a_language_can_be_named_after_the_command(kchat: Running, buyer: FakeUser) -> None:
    await kchat.settle()
    buyer.send("/language bahasa melayu")
    await buyer.wait_for_message(contains="mulai sekarang saya guna Bahasa Melayu")
    assert await _kept(kchat, BUYER) == ("ms", None)
    buyer.send("/language EN")
    await buyer.wait_for_message(contains="I'll speak English with you from now on.")
    assert await _kept(kchat, BUYER) == ("en", None)


async def test_an_unknown_language_is_refused_and_changes_nothing(
    kchat: Running, buyer: FakeUser
) -> None:
    await kchat.settle()
    for asked in ("/language fr", "/language klingon!!", "/language " + "x" * 500):
        buyer.send(asked)
        said = await buyer.wait_for_message(contains="I don't speak that language yet.")
        assert "Bahasa Melayu (ms)" in said.content
        assert len(said.content) < 300
    assert (await _kept(kchat, BUYER))[0] is None


async def test_a_forged_language_button_changes_nothing(kchat: Running, buyer: FakeUser) -> None:
    await kchat.settle()
    buyer.send("/language")
    asked = await buyer.wait_for_message(contains="🌐 I speak")
    for data in ("k1|lg|fr|", "k1|lg|MS|", "k1|lg|ms|x"):
        answer = tap_data(kchat, buyer, data, asked.message_id)
        await kchat.settle()
        assert answer.answer_text is not None and "no longer valid" in answer.answer_text
    assert (await _kept(kchat, BUYER))[0] is None


async def test_the_service_refuses_what_is_not_a_language(kchat: Running) -> None:
    await kchat.settle()
    try:
        await kchat.services.chat.set_language(BUYER, "not a language")
    except InvalidInput as exc:
        assert "is not a language" in str(exc)
    else:
        raise AssertionError("accepted")
    assert await kchat.services.chat.user(BUYER) is None or (await _kept(kchat, BUYER))[0] is None
