"""`kchat webhook`: subscribers added, listed and removed, deliveries seen and retried, from
the command line (one line and exit status 2 for every mistake)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.databases import database_url, fetch


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = database_url(tmp_path, "cli.db")
    monkeypatch.setenv("KCHAT_DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_webhook_is_added_its_secret_shown_once_and_an_order_queues_its_events(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "migrate")
    code, out, err = _run(
        capsys, "webhook", "add", "https://shop.example.com/events", "--events", "order.created"
    )
    assert code == 0 and "shown this once" in err
    hook_id, secret = out.split()
    assert hook_id.startswith("wh_") and secret.startswith("whsec_")
    code, out, _ = _run(capsys, "webhook", "list", "--json")
    (listed,) = json.loads(out)
    assert listed == {
        "id": hook_id,
        "url": "https://shop.example.com/events",
        "events": ["order.created"],
        "created_at": listed["created_at"],
        "removed_at": None,
    }
    assert secret not in out, "the list never shows the secret"

    code, out, _ = _run(
        capsys, "order", "create", "--buyer", "1", "--seller", "2", "--title", "Key",
        "--price", "5.00", "--json",
    )  # fmt: skip
    oid = json.loads(out)["id"]
    assert _run(capsys, "order", "paid", oid)[0] == 0  # not subscribed: nothing queued
    code, out, _ = _run(capsys, "webhook", "deliveries", "--order", oid, "--json")
    (d,) = json.loads(out)
    assert (d["type"], d["order_id"], d["status"], d["attempts"]) == (
        "order.created",
        oid,
        "pending",
        0,
    )
    code, out, _ = _run(capsys, "webhook", "deliveries")
    assert code == 0 and oid in out and "order.created" in out and "pending" in out

    # An operator gives up on it by hand, then sends it again.
    fetch(db, f"UPDATE webhook_deliveries SET status = 'failed' WHERE id = {d['id']}")
    code, out, _ = _run(capsys, "webhook", "deliveries", "--status", "failed", "--json")
    assert [x["id"] for x in json.loads(out)] == [d["id"]]
    code, out, _ = _run(capsys, "webhook", "retry", str(d["id"]))
    assert code == 0 and "sent again" in out
    code, out, _ = _run(capsys, "webhook", "deliveries", "--status", "failed", "--json")
    assert json.loads(out) == []

    code, out, _ = _run(capsys, "webhook", "remove", hook_id)
    assert code == 0 and "removed" in out
    code, out, _ = _run(capsys, "webhook", "list")
    assert "removed" in out
    code, out, _ = _run(capsys, "webhook", "deliveries", "--json")
    assert [x["status"] for x in json.loads(out)] == ["failed"]


@pytest.mark.parametrize(
    "argv",
    [
        ["webhook", "add", "ftp://shop.example.com/x"],
        ["webhook", "add", "https://shop.example.com/x", "--events", "order.shipped"],
        ["webhook", "remove", "wh_nobody"],
        ["webhook", "retry", "999"],
        ["webhook", "retry", "x"],
        ["webhook", "deliveries", "--status", "lost"],
        ["webhook", "deliveries", "--order", "nope"],
        ["webhook", "deliveries", "--limit", "0"],
    ],
)
def test_webhook_mistakes_are_one_line_exit_2_and_change_nothing(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _run(capsys, "migrate")
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("kchat: ")
    assert fetch(db, "SELECT COUNT(*) FROM webhook_subscriptions") == [(0,)]
