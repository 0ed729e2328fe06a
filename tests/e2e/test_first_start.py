"""People named by the marketplace before they ever opened the bot."""

from __future__ import annotations

from tests.e2e.support import BUYER, SELLER, Running


async def test_a_buyer_who_never_opened_the_bot_gets_the_card_on_first_start(
    kchat: Running,
) -> None:
    seller = kchat.tg.user(SELLER, "Sam")
    seller.start()
    buyer = kchat.tg.user(BUYER, "Alice")  # exists in Telegram, never wrote to the bot
    await kchat.settle()
    oid = await kchat.order("9.90")
    assert buyer.messages() == []  # Telegram refused: "chat not found"
    seller_card = seller.last_message()
    assert seller_card is not None and oid in seller_card.content

    buyer.start()
    await kchat.settle()
    card = next(m for m in buyer.messages() if oid in m.content)
    assert "Waiting Payment" in card.content and card.has_button("Pay from balance")


async def test_the_command_menu_is_set_at_start(kchat: Running) -> None:
    commands = kchat.tg.commands()
    assert {"orders", "confirm", "refund", "deliver", "sell", "balance", "help"} <= set(commands)


async def test_the_command_menu_is_set_in_malay_for_telegram_in_malay(kchat: Running) -> None:
    english = kchat.tg.command_menu()
    malay = kchat.tg.command_menu(language_code="ms")
    assert [c["command"] for c in malay] == [c["command"] for c in english]
    about = {c["command"]: c["description"] for c in malay}
    assert about["orders"] == "Pesanan anda dan apa yang berlaku seterusnya"
    assert about["balance"] == "Baki KALEOZ anda"
