"""`kchat backup PATH`: a copy that opens as the same database; never over an existing file
without --force; one line and exit 2 for anything it cannot do (PostgreSQL is backed up with
pg_dump). The copy of a running bot's database: tests/e2e/test_live_backup.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main
from tests.damaged_db import DAMAGES, damage, fingerprint, restore


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kchat.db"
    for name in list(os.environ):
        if name.startswith(("KCHAT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KCHAT_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.chdir(tmp_path)  # no stray .env
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_backup_is_one_line_and_opens_as_the_same_database(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["order", "create", "--buyer", "1", "--seller", "2", "--title", "Key", "--price", "3"]
    assert main(argv) == 0
    capsys.readouterr()
    copy = db.parent / "copy.db"
    code, out, err = _run(capsys, "backup", str(copy))
    assert (code, err) == (0, "")
    assert out.startswith(f"backed up {db} to {copy} (")
    assert out.endswith(", 1 order)\n") and "schema version" in out
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".partial")]

    monkeypatch.setenv("KCHAT_DATABASE_URL", f"sqlite:///{copy}")
    assert _run(capsys, "check")[:2] == (0, "ledger ok\n")


def test_an_existing_file_is_kept_unless_forced(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    capsys.readouterr()
    target = db.parent / "kept.db"
    target.write_bytes(b"yesterday's backup")
    code, out, err = _run(capsys, "backup", str(target))
    assert (code, out) == (2, "")
    assert _one_line(err) == f"kchat: {target} already exists; add --force to overwrite it"
    assert target.read_bytes() == b"yesterday's backup"

    code, out, _ = _run(capsys, "backup", str(target), "--force")
    assert code == 0 and out.startswith("backed up ")
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.parametrize(
    ("url", "path", "says"),
    [
        ("sqlite://:memory:", "x.db", "an in-memory database has nothing to back up"),
        (None, "missing/x.db", "the folder {dir}/missing does not exist"),
        (None, "kchat.db", "{dir}/kchat.db is the database itself; give another path"),
        (None, ".", "{dir} is a directory; give a file path"),
        (
            "postgresql://kchat@db.example/kchat",
            "x.dump",
            "backup copies SQLite databases; back PostgreSQL up with its own pg_dump "
            '(pg_dump --format=custom --file=kchat.dump "$KCHAT_DATABASE_URL"), '
            "see docs/operations.md",
        ),
    ],
)
def test_what_cannot_be_backed_up_is_one_line_and_exit_2(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str | None,
    path: str,
    says: str,
) -> None:
    assert main(["migrate"]) == 0
    capsys.readouterr()
    if url is not None:
        monkeypatch.setenv("KCHAT_DATABASE_URL", url)
    before = sorted(p.name for p in db.parent.iterdir())
    code, out, err = _run(capsys, "backup", path)
    assert (code, out) == (2, "")
    assert _one_line(err) == "kchat: " + says.format(dir=db.parent)
    assert sorted(p.name for p in db.parent.iterdir()) == before


def test_a_missing_database_is_not_created_by_a_backup(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "backup", "copy.db")
    assert code == 2
    assert _one_line(err).startswith(f"kchat: no database at {db} ")
    assert list(db.parent.iterdir()) == []


@pytest.mark.parametrize("kind", ["garbage", "truncated", "directory"])
def test_a_damaged_database_is_one_line_and_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = damage(kind, tmp_path)
    monkeypatch.setenv("KCHAT_DATABASE_URL", f"sqlite:///{path}")
    before = fingerprint(path)
    try:
        code, out, err = _run(capsys, "backup", str(tmp_path / "copy.db"))
        assert (code, out) == (2, "")
        line = _one_line(err)
        assert str(path) in line and line.endswith(DAMAGES[kind]), line
        assert fingerprint(path) == before
        assert not (tmp_path / "copy.db").exists()
    finally:
        restore(path)
