"""The `kchat` command line: DESIGN.md §3's contract, exit codes and "nothing written"."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.bootstrap import open_services
from bot.cli import main
from bot.clock import SystemClock
from bot.config import Settings
from tests.databases import database_url, dump


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("KCHAT_DATABASE_URL", database_url(tmp_path, "cli.db"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _create(capsys: pytest.CaptureFixture[str], price: str = "12.50") -> dict[str, object]:
    code, out, _ = _run(
        capsys,
        "order",
        "create",
        "--buyer",
        "1",
        "--seller",
        "2",
        "--title",
        "Gift card",
        "--price",
        price,
        "--json",
    )
    assert code == 0
    data: dict[str, object] = json.loads(out)
    return data


def test_order_create_prints_the_contract_json(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _create(capsys)
    assert str(data["id"]).startswith("K") and len(str(data["id"])) == 8
    assert data["status"] == "waiting_payment"
    assert (data["amount"], data["currency"], data["buyer"], data["seller"]) == (
        "12.50",
        "MYR",
        1,
        2,
    )
    assert data["refund_request"] is None and data["dispute"] is None
    assert [d["kind"] for d in data["deadlines"]] == ["remind_payment", "expire_unpaid"]  # type: ignore[attr-defined]


def test_paid_then_show_then_balance(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    oid = str(_create(capsys)["id"])
    assert _run(capsys, "order", "paid", oid)[0] == 0
    code, out, _ = _run(capsys, "order", "show", oid, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["status"] == "waiting_delivery"
    assert {d["kind"] for d in shown["deadlines"]} == {
        "refund_opens",
        "remind_delivery",
        "auto_cancel",
    }
    code, out, _ = _run(capsys, "balance", "2", "--json")
    assert json.loads(out) == {"telegram_id": 2, "balances": {}}


@pytest.mark.parametrize(
    "argv",
    [
        ["order", "show", "K0000000"],
        ["order", "show", "nonsense"],
        ["order", "paid", "K0000000"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "-1"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "0"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "1.234"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "abc"],
        ["order", "create", "--buyer", "1", "--seller", "1", "--title", "x", "--price", "1"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", " ", "--price", "1"],
        ["order", "create", "--buyer", "x", "--seller", "2", "--title", "x", "--price", "1"],
        [
            "order",
            "create",
            "--buyer",
            "1",
            "--seller",
            "2",
            "--title",
            "x",
            "--price",
            "1",
            "--currency",
            "ringgit",
        ],
        ["balance", "abc"],
        ["nosuchcommand"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "$12"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "12,50"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "1e3"],
        ["order", "create", "--buyer", "1", "--seller", "2", "--title", "x", "--price", "NaN"],
        [
            "order",
            "create",
            "--buyer",
            "1",
            "--seller",
            "2",
            "--title",
            "x",
            "--price",
            "1.0000000000000000000000000001",
        ],
    ],
)
def test_bad_input_prints_one_line_exits_2_and_writes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _refused_with_nothing_written(db, capsys, argv)


@pytest.mark.parametrize(
    "argv",
    [
        # Telegram user ids are positive and below 2^63.
        ["balance", "-5"],
        ["balance", "0"],
        ["balance", "9223372036854775808"],
        ["topup", "99999999999999999999999", "5"],
        ["order", "create", "--buyer", "-1", "--seller", "2", "--title", "x", "--price", "1"],
        ["order", "create", "--buyer", "1", "--seller", "2" * 30, "--title", "x", "--price", "1"],
        ["order", "list", "--user", "-7"],
        ["offer", "create", "--seller", "0", "--title", "x", "--price", "1"],
        # A limit lists that many; 0 or less is not a limit.
        ["order", "list", "--limit", "0"],
        ["order", "list", "--limit", "-3"],
        ["deadlines", "--limit", "0"],
        ["faq-report", "--misses", "-1"],
    ],
)
def test_out_of_range_ids_and_limits_are_refused_in_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _refused_with_nothing_written(db, capsys, argv)


def _refused_with_nothing_written(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert _run(capsys, "migrate")[0] == 0
    before = _dump(db)
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("kchat")
    assert "Traceback" not in err
    assert _dump(db) == before


def _dump(db: Path) -> list[str]:
    return dump(database_url(db.parent, db.name))


@pytest.mark.sqlite_only("SQLite's write lock and busy timeout")
def test_a_database_locked_past_the_busy_timeout_is_one_line_and_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    oid = str(_create(capsys)["id"])
    monkeypatch.setenv("KCHAT_DB_BUSY_TIMEOUT", "0.2s")
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        code, out, err = _run(capsys, "order", "paid", oid)
        other.execute("ROLLBACK")
    assert code == 2 and out == ""
    assert err.startswith(f"kchat: the database at {db} stayed locked by another process")
    assert len(err.strip().splitlines()) == 1
    code, out, _ = _run(capsys, "order", "show", oid, "--json")
    assert json.loads(out)["status"] == "waiting_payment"


def test_a_limit_lists_that_many_newest_last(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [str(_create(capsys, price)["id"]) for price in ("1", "2", "3")]
    code, out, _ = _run(capsys, "order", "list", "--limit", "2")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ids[1:]


def test_paying_twice_is_refused_and_moves_no_money(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    oid = str(_create(capsys)["id"])
    assert _run(capsys, "order", "paid", oid)[0] == 0
    code, _, err = _run(capsys, "order", "paid", oid)
    assert code == 2 and "Waiting Delivery" in err
    assert _run(capsys, "check")[1].strip() == "ledger ok"


def test_run_without_a_token_names_the_setting_and_where_to_get_it(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Plain `kchat run` starts the sandbox instead (tests/sandbox/test_sandbox_cli.py);
    # --no-sandbox keeps the old contract: one clear line and exit status 2.
    code, _, err = _run(capsys, "run", "--no-sandbox")
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in err and "BotFather" in err


def test_run_refuses_a_support_language_the_bot_does_not_speak(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("KCHAT_SUPPORT_LANGUAGE", "fr")
    code, _, err = _run(capsys, "run", "--no-sandbox")
    assert code == 2
    assert err.strip() == (
        "kchat: KCHAT_SUPPORT_LANGUAGE=fr: the bot speaks en, ms "
        "(a language is a catalogue in handlers/locale)"
    )


def test_the_console_script_is_installed_and_speaks_json(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "kchat"
    env = {**os.environ, "KCHAT_DATABASE_URL": database_url(tmp_path, "s.db")}
    done = subprocess.run(
        [
            str(exe),
            "order",
            "create",
            "--buyer",
            "5",
            "--seller",
            "6",
            "--title",
            "Key",
            "--price",
            "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["amount"] == "3.00"


def test_faq_report_lists_declined_and_unhelpful_questions(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def ask() -> None:
        s = await open_services(Settings(), SystemClock())  # type: ignore[call-arg]
        try:
            q1 = await s.help_log.asked(7, "partial refnd how", "partial-refund", 0.8)
            await s.help_log.asked(7, "how to become a seller", None, 0.1)
            await s.help_log.feedback(q1, 7, helpful=False)
        finally:
            await s.close()

    asyncio.run(ask())

    code, out, _ = _run(capsys, "faq-report", "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["days"], report["asked"], report["declined"]) == (7, 2, 1)
    answers = {x["doc_id"]: x for x in report["per_answer"]}
    assert answers["partial-refund"]["not_helpful"] == 1 and answers[None]["asked"] == 1
    assert [m["question"] for m in report["misses"]] == [
        "how to become a seller",
        "partial refnd how",
    ]

    code, out, _ = _run(capsys, "faq-report")
    assert code == 0
    assert out.startswith("Help center, last 7 days: 2 questions asked in the chat, 1 declined")
    assert "'how to become a seller'" in out and "unhelpful: partial-refund" in out

    code, _, err = _run(capsys, "faq-report", "--days", "0")
    assert code == 2 and err.startswith("kchat: --days 0")


def test_a_database_the_command_line_wrote_first_starts_the_bot_without_a_rederive(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from bot.bootstrap import open_services

    oid = str(_create(capsys)["id"])
    assert _run(capsys, "order", "paid", oid)[0] == 0

    async def bot_start() -> int:
        services = await open_services(Settings(), SystemClock())
        try:
            return await services.deadlines.reconcile()
        finally:
            await services.close()

    assert asyncio.run(bot_start()) == 0  # same rules: no pass over the orders


def test_apikey_create_prints_the_key_once_and_keeps_only_its_hash(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "migrate")
    code, out, err = _run(
        capsys, "apikey", "create", "--name", "shop", "--scopes", "read,money", "--json"
    )
    assert code == 0 and "shown this once" in err
    key = json.loads(out)["key"]
    assert set(json.loads(out)) == {"key"} and key.startswith("kc_")
    url = os.environ["KCHAT_DATABASE_URL"]
    assert not [line for line in dump(url) if key in line]
    code, out, _ = _run(capsys, "apikey", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["name"], listed["scopes"], listed["revoked_at"]) == (
        "shop",
        ["read", "money"],
        None,
    )
    assert key.split("_")[1] == listed["id"]
    code, out, _ = _run(capsys, "apikey", "revoke", "shop")
    assert code == 0 and "revoked" in out
    code, out, _ = _run(capsys, "apikey", "list")
    assert "revoked" in out and key not in out


@pytest.mark.parametrize(
    "argv",
    [
        ["apikey", "create", "--name", "x", "--scopes", "admin"],
        ["apikey", "create", "--name", "x", "--scopes", ""],
        ["apikey", "create", "--name", "bad name", "--scopes", "read"],
        ["apikey", "revoke", "nobody"],
    ],
)
def test_apikey_errors_are_one_line_and_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _run(capsys, "migrate")
    _run(capsys, "apikey", "create", "--name", "x1", "--scopes", "read")
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("kchat: ")


def test_a_second_key_with_a_taken_name_is_refused(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "migrate")
    assert _run(capsys, "apikey", "create", "--name", "shop", "--scopes", "read")[0] == 0
    code, _, err = _run(capsys, "apikey", "create", "--name", "shop", "--scopes", "read")
    assert code == 2 and "exists already" in err


def test_kchat_api_serves_the_api_without_telegram_until_terminated(
    db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import signal
    import socket
    import time
    import urllib.request

    _run(capsys, "migrate")
    _, out, _ = _run(capsys, "apikey", "create", "--name", "s", "--scopes", "read", "--json")
    key = json.loads(out)["key"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KCHAT_HTTP_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "api"], env=env, cwd=tmp_path, stderr=subprocess.PIPE
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/users/5/balance",
            headers={"Authorization": f"Bearer {key}"},
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=2) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert body == {"telegram_id": 5, "balances": {}}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
            assert json.loads(r.read())["checks"] == {"database": "ok", "migrations": "ok"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_account_link_url_and_show(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capsys, "migrate")
    url = os.environ["KCHAT_DATABASE_URL"]
    before = dump(url)
    code, out, err = _run(capsys, "account", "link-url", "shop-user-7")
    assert code == 2 and out == "" and "KCHAT_BOT_USERNAME" in err and err.count("\n") == 1
    assert dump(url) == before
    monkeypatch.setenv("KCHAT_BOT_USERNAME", "kchat_test_bot")
    code, out, err = _run(capsys, "account", "link-url", "shop-user-7", "--json")
    link = json.loads(out)
    assert code == 0 and link["url"] == f"https://t.me/kchat_test_bot?start={link['token']}"
    code, out, _ = _run(capsys, "account", "link-url", "shop-user-7")
    assert code == 0 and out.startswith("https://t.me/kchat_test_bot?start=link_")
    assert out.strip() != link["url"]  # each link is new (and works once)
    code, out, _ = _run(capsys, "account", "show", "shop-user-7", "--json")
    assert json.loads(out) == {
        "account": "shop-user-7",
        "linked": False,
        "telegram_id": None,
        "linked_at": None,
        "waiting": [],
    }
    code, out, _ = _run(capsys, "account", "show", "shop-user-7")
    assert code == 0 and "not linked" in out
    code, out, err = _run(capsys, "account", "show", "  ")
    assert code == 2 and err.startswith("kchat: An account is")
