"""`kchat` commands as real processes on a database they cannot use, or that is not there:
one line, exit status 2, no hang, nothing changed (and nothing created where none was)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.damaged_db import DAMAGES, as_plain_user, damage, fingerprint, restore

# Files: damaged, read-only, missing, created on a fresh path (PostgreSQL's own refusals
# are in test_schema_versions.py).
pytestmark = pytest.mark.sqlite_only("database files: damaged, missing, made on a fresh path")

KCHAT = Path(sys.executable).parent / "kchat"
READS = [["balance", "1"], ["order", "show", "K0000000"], ["check"], ["order", "list"]]
WRITES = [
    ["order", "create", "--buyer", "1", "--seller", "2", "--title", "Key", "--price", "3"],
    ["topup", "1", "5.00"],
]


def kchat(db: Path, *argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console script on `db`; a process that does not exit in time fails the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCHAT_", "TELEGRAM_"))}
    env["KCHAT_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run(
        [str(KCHAT), *argv],
        env=env,
        cwd=cwd or db.parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        preexec_fn=as_plain_user(),
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.fixture(params=list(DAMAGES))
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = damage(request.param, tmp_path)
    yield request.param, path
    restore(path)


@pytest.mark.parametrize("argv", READS + WRITES, ids=" ".join)
def test_a_database_kchat_cannot_use_is_one_line_and_exit_2_and_changes_nothing(
    damaged: tuple[str, Path], argv: list[str]
) -> None:
    kind, db = damaged
    before = fingerprint(db)
    done = kchat(db, *argv)
    after = fingerprint(db)
    assert after == before
    if kind == "read-only file" and argv in READS:
        # A read-only database can still be read.
        assert done.returncode in (0, 2) and "Traceback" not in done.stderr
        if done.returncode == 2:
            assert "K0000000" in one_line(done)
        return
    assert done.returncode == 2, done.stderr
    line = one_line(done)
    assert line.startswith("kchat: ") and str(db) in line
    assert line.endswith(DAMAGES[kind]), line


@pytest.mark.parametrize("argv", [*READS, ["order", "paid", "K0000000"], ["topup", "1", "5"]])
def test_a_missing_database_is_refused_with_the_path_looked_at(
    tmp_path: Path, argv: list[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = kchat(Path("kchat.db"), *argv, cwd=elsewhere)  # the default, relative path
    assert done.returncode == 2
    line = one_line(done)
    assert line.startswith(f"kchat: no database at {elsewhere / 'kchat.db'} ")
    assert "kchat migrate" in line
    assert list(elsewhere.iterdir()) == [], "no database was created"


def test_migrate_creates_the_database_that_read_commands_then_use(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kchat.db"
    done = kchat(db, "migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"database at {db} is ready (schema version ")
    assert done.stderr == f"kchat: created a new database at {db}\n"
    done = kchat(db, "balance", "1", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["balances"] == {}
    again = kchat(db, "migrate")
    assert again.returncode == 0 and again.stderr == ""


def test_order_create_on_a_fresh_path_creates_the_database_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    done = kchat(db, *WRITES[0], "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "waiting_payment"  # stdout stays pure JSON
    assert done.stderr == f"kchat: created a new database at {db}\n"
    second = kchat(db, *WRITES[0], "--json")
    assert second.returncode == 0 and second.stderr == ""


def test_a_failed_order_create_on_a_fresh_path_leaves_no_database(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    done = kchat(db, "order", "create", "--buyer", "1", "--seller", "1", "--title", "K")
    assert done.returncode == 2  # argparse: --price missing
    done = kchat(
        db, "order", "create", "--buyer", "1", "--seller", "1", "--title", "K", "--price", "3"
    )
    assert done.returncode == 2
    assert "created" not in one_line(done)
    assert list(tmp_path.iterdir()) == []


def test_a_database_path_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    db = tmp_path / "file.txt" / "kchat.db"
    done = kchat(db, *WRITES[0], cwd=tmp_path)
    assert done.returncode == 2
    assert one_line(done).startswith("kchat: cannot use the database at")


def test_apikey_create_on_a_fresh_path_creates_the_database_and_prints_only_the_key(
    tmp_path: Path,
) -> None:
    db = tmp_path / "fresh.db"
    done = kchat(db, "apikey", "create", "--name", "shop", "--scopes", "read,write", "--json")
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {"key"}  # stdout stays pure JSON
    assert f"kchat: created a new database at {db}\n" in done.stderr
    listed = kchat(db, "apikey", "list", "--json")
    assert listed.returncode == 0 and [k["name"] for k in json.loads(listed.stdout)] == ["shop"]
