"""The sandbox page in a real headless Chromium: an order's whole life, played by clicking.

Uses Debian's Chromium at /usr/bin/chromium through Playwright (never `playwright install`);
skipped only when that browser is missing. Leaves a screenshot at artifacts/sandbox.png.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from sandbox.runner import Sandbox
from sandbox.web import build_web_app
from sandbox.world import BUYER

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "artifacts" / "sandbox.png"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
)


@pytest.fixture
async def page_url(sandbox: Sandbox) -> AsyncIterator[str]:
    """The sandbox page served over real HTTP on 127.0.0.1."""
    runner = web.AppRunner(build_web_app(sandbox), handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        await runner.cleanup()


@pytest.fixture
async def page(page_url: str, tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh Chromium profile with the sandbox page open."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 900},
        )
        try:
            opened = await context.new_page()
            errors: list[str] = []
            opened.on("pageerror", lambda exc: errors.append(str(exc)))
            await opened.goto(page_url)
            yield opened
            assert errors == [], f"the page's script failed: {errors}"
        finally:
            await context.close()


async def test_an_order_from_payment_to_completion_then_expiry_and_a_support_refund(
    page: Any, sandbox: Sandbox
) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=10_000)
    story = sandbox.story
    buyer = page.locator('section[data-pane="buyer"]')
    seller = page.locator('section[data-pane="seller"]')
    support = page.locator('section[data-pane="support"]')

    def message(pane: Any, *texts: str) -> Any:
        found = pane.locator(".msg")
        for text in texts:
            found = found.filter(has_text=text)
        return found.last

    def button(pane: Any, text: str, *, within: str = "") -> Any:
        """The named inline button on the latest message (about `within`) showing it."""
        name = re.compile(f"^{re.escape(text)}$")
        holder = pane.locator(".msg").filter(has=page.get_by_role("button", name=name))
        if within:
            holder = holder.filter(has_text=within)
        return holder.last.get_by_role("button", name=name)

    async def say(pane: Any, text: str) -> None:
        box = pane.locator("textarea")
        await box.fill(text)
        await box.press("Enter")

    await expect(page.locator("#hint-text")).to_contain_text(story.pay_order_id)
    await expect(buyer.locator(".balance")).to_have_text("Balance MYR 100.00")

    # The buyer pays from the balance; the bot answers the tap with a toast.
    await button(buyer, "Pay from balance", within=story.pay_order_id).click()
    await button(buyer, "Yes, pay MYR 45.00 from my balance").click()
    await expect(buyer.locator(".toast")).to_contain_text("Paid from your KALEOZ balance")
    await expect(buyer.locator(".balance")).to_have_text("Balance MYR 55.00")

    # The seller delivers a code by answering the bot's question.
    await button(seller, "Deliver", within=story.pay_order_id).click()
    await expect(message(seller, "Send the delivery")).to_be_visible()
    await say(seller, "Your code: ABCD-1234")
    await expect(message(buyer, story.pay_order_id, "Waiting Confirmation")).to_contain_text(
        "ABCD-1234"
    )

    # The buyer confirms (two steps: it cannot be undone); the seller is paid.
    await button(buyer, "Confirm received", within=story.pay_order_id).click()
    await button(buyer, "Yes, confirm received").click()
    await expect(message(buyer, story.pay_order_id, "Completed")).to_be_visible()
    await say(seller, "/balance")
    await expect(message(seller, "Your KALEOZ balance")).to_contain_text("MYR 45.00")
    await expect(seller.locator(".balance")).to_have_text("Balance MYR 45.00")

    # An hour later the other, unpaid order has expired.
    clock_before = await page.locator("#clock-label").inner_text()
    await page.get_by_role("button", name="+1 h").click()
    await expect(page.locator("#clock-label")).not_to_have_text(clock_before)
    await expect(page.locator("#clock-elapsed")).to_contain_text("+1 h")
    await expect(message(buyer, story.expiring_order_id, "expired unpaid")).to_contain_text(
        "Expired"
    )

    # The buyer re-orders it, pays, and escalates to support.
    await button(buyer, "Re-order", within=story.expiring_order_id).click()
    await expect(buyer.locator(".toast").last).to_contain_text("placed")
    await button(buyer, "Pay from balance").click()
    await button(buyer, "Yes, pay MYR 18.90 from my balance").click()
    await expect(buyer.locator(".balance")).to_have_text("Balance MYR 36.10")
    await button(buyer, "Escalate to support").click()
    await expect(message(buyer, "now with KALEOZ Support")).to_be_visible()

    # The ticket opens its own topic in the support forum; the agent claims and refunds.
    tab = support.locator(".topic-tab").filter(has_text="#1")
    await expect(tab).to_be_visible()
    await tab.click()
    card = message(support, "Ticket #1")
    await expect(card).to_contain_text("unclaimed")
    await button(support, "Claim", within="Ticket #1").click()
    await expect(card).to_contain_text("claimed by")
    await button(support, "Refund in full", within="Ticket #1").click()
    await button(support, "Yes, confirm full refund (MYR 18.90)").click()
    await expect(message(buyer, "resolved")).to_be_visible()
    await expect(buyer.locator(".balance")).to_have_text("Balance MYR 55.00")

    # The picture: the three chats at rest, once the last notifications have faded.
    await expect(page.locator(".toast")).to_have_count(0)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT))


async def test_bot_formatting_is_drawn_from_entities_with_utf16_offsets(
    page: Any, sandbox: Sandbox
) -> None:
    from playwright.async_api import expect

    html = (
        "🛒🧾 <b>bold</b> <i>italic</i> <u>under</u> <s>struck</s> <code>K1234567</code>\n"
        '<pre><code class="language-text">line 1\nline 2</code></pre>'
        '<a href="https://example.com/help">help 📖</a> <tg-spoiler>secret</tg-spoiler>\n'
        "<blockquote>quoted 👍 <b>inside</b></blockquote>&lt;script&gt;alert(1)&lt;/script&gt; "
        "<b>end 😀</b>"
    )
    buyer = page.locator('section[data-pane="buyer"]')
    await expect(buyer.locator(".msg").first).to_be_visible()
    await sandbox.world.app.bot.send_message(BUYER.id, html, parse_mode="HTML")
    bubble = page.locator('section[data-pane="buyer"] .msg').filter(has_text="secret").last
    text = bubble.locator(".text")
    await expect(text.locator("b").first).to_have_text("bold")
    for tag, inner in (("i", "italic"), ("u", "under"), ("s", "struck")):
        await expect(text.locator(tag)).to_have_text(inner)
    await expect(text.locator("code").first).to_have_text("K1234567")
    await expect(text.locator("pre")).to_have_text("line 1\nline 2")
    link = text.locator("a[target=_blank]")
    await expect(link).to_have_text("help 📖")
    await expect(link).to_have_attribute("href", "https://example.com/help")
    await expect(text.locator(".spoiler")).to_have_text("secret")
    await expect(text.locator("blockquote")).to_have_text("quoted 👍 inside")
    await expect(text.locator("blockquote b")).to_have_text("inside")
    await expect(text.locator("b").last).to_have_text("end 😀")
    assert await text.locator("script").count() == 0
    await expect(text).to_contain_text("<script>alert(1)</script>")

    spoiler = text.locator(".spoiler")
    await expect(spoiler).not_to_have_class(re.compile("revealed"))
    await spoiler.click()
    await expect(spoiler).to_have_class(re.compile("revealed"))


async def test_at_1024_px_every_pane_is_fully_on_screen(page: Any, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    await page.set_viewport_size({"width": 1024, "height": 768})
    await expect(page.locator("#hint-text")).to_contain_text(sandbox.story.pay_order_id)
    for pane in ("buyer", "seller", "support"):
        for part in ("", " .phone", " .composer", " .pane-label"):
            box = await page.locator(f'section[data-pane="{pane}"]{part}').bounding_box()
            assert box is not None, (pane, part)
            assert box["x"] >= 0 and box["y"] >= 0, (pane, part, box)
            assert box["x"] + box["width"] <= 1024, (pane, part, box)
            assert box["y"] + box["height"] <= 768, (pane, part, box)
    reset = await page.locator("#reset").bounding_box()
    assert reset is not None and reset["x"] + reset["width"] <= 1024
    scroll = await page.evaluate("document.getElementById('panes').scrollWidth")
    assert scroll <= 1024, "no sideways scrolling to reach the support pane"


async def test_reset_closes_an_alert_about_the_old_world(page: Any, sandbox: Sandbox) -> None:
    from playwright.async_api import expect
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    buyer = page.locator('section[data-pane="buyer"]')
    old = sandbox.story.pay_order_id
    await expect(page.locator("#hint-text")).to_contain_text(old)
    # A button from before an upgrade: the bot answers its tap with an alert.
    stale = InlineKeyboardMarkup([[InlineKeyboardButton("Old button", callback_data="v0:x")]])
    await sandbox.world.app.bot.send_message(BUYER.id, f"About {old}", reply_markup=stale)
    await buyer.get_by_role("button", name="Old button").click()
    alert = buyer.locator(".alert-layer")
    await expect(alert).to_be_visible()
    await expect(alert).to_contain_text("no longer valid")

    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator("#reset").click()
    await expect(page.locator("#hint-text")).not_to_contain_text(old)
    await expect(alert).to_be_hidden()
    await expect(buyer.locator(".msg").filter(has_text=f"About {old}")).to_have_count(0)
    await expect(page.locator("#hint-text")).to_contain_text(sandbox.story.pay_order_id)


async def test_a_closed_topic_is_drawn_closed_for_an_admin_and_for_a_member(
    page: Any, sandbox: Sandbox
) -> None:
    from playwright.async_api import expect

    oid = sandbox.story.pay_order_id
    await sandbox.world.services.orders.pay_from_balance(oid, BUYER.id)
    await sandbox.settle()
    buyer = page.locator('section[data-pane="buyer"]')
    card = buyer.locator(".msg").filter(has_text=oid).filter(has=page.get_by_role("button"))
    await card.last.get_by_role("button", name="Escalate to support").click()
    support = page.locator('section[data-pane="support"]')
    tab = support.locator(".topic-tab").filter(has_text="#1")
    await expect(tab).to_be_visible()
    await tab.click()
    toggle = support.locator(".topic-toggle")
    await expect(toggle).to_have_text("🔒 Close topic")
    await expect(support.locator(".closed-bar")).to_be_hidden()

    await toggle.click()  # Aisha administers the group: she may close it
    await expect(tab).to_contain_text("🔒")
    await expect(support.locator(".msg.service").last).to_have_text("Aisha closed the topic")
    bar = support.locator(".closed-bar")
    await expect(bar).to_contain_text("As an administrator you can still write here")
    await expect(support.locator(".composer")).to_be_visible()
    await expect(toggle).to_have_text("Reopen topic")
    assert sandbox.world.group.topics()[-1].is_closed

    # Were she a plain member, Telegram would show no message field, only the notice.
    sandbox.world.group.set_status(sandbox.world.agent, "member")
    await expect(support.locator(".composer")).to_be_hidden()
    await expect(bar.locator(".closed-text")).to_have_text("The topic is closed")
    await expect(toggle).to_be_hidden()

    sandbox.world.group.set_status(sandbox.world.agent, "administrator")
    await toggle.click()
    await expect(bar).to_be_hidden()
    await expect(tab).not_to_contain_text("🔒")
    assert not sandbox.world.group.topics()[-1].is_closed


async def test_a_closing_tag_in_a_message_is_not_drawn_as_a_command(
    page: Any, sandbox: Sandbox
) -> None:
    from playwright.async_api import expect

    buyer = page.locator('section[data-pane="buyer"]')
    box = buyer.locator("textarea")
    await box.fill("I typed </b> and /orders")
    await box.press("Enter")
    mine = buyer.locator(".msg.out").filter(has_text="I typed </b>").last
    await expect(mine).to_be_visible()
    await expect(mine.locator("a.command")).to_have_count(1)
    await expect(mine.locator("a.command")).to_have_text("/orders")
