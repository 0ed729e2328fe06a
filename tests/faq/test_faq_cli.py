"""The ``kchat faq`` command line: JSON contract, stdin mode, human output, errors."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.faq_cli import add_faq_parser, run_faq
from bot.help_center import load_documents

PARTIAL = "How to partially refund an order?"


def run(argv: list[str]) -> int:
    """Parse argv the way the kchat console script will, then run the command."""
    parser = argparse.ArgumentParser(prog="kchat")
    add_faq_parser(parser.add_subparsers(dest="command", required=True))
    return run_faq(parser.parse_args(["faq", *argv]))


@pytest.fixture(autouse=True)
def no_operator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test from the shipped documents and default threshold."""
    monkeypatch.delenv("KCHAT_FAQ_DIR", raising=False)
    monkeypatch.delenv("KCHAT_FAQ_MIN_SCORE", raising=False)


def test_json_answer_has_the_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--json", "partial refnd how"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    obj = json.loads(out[0])
    assert set(obj) == {"answered", "title", "score", "answer"}
    assert obj["answered"] is True
    assert obj["title"] == PARTIAL
    assert isinstance(obj["score"], float) and 0 < obj["score"] <= 1
    assert obj["answer"].startswith("Step 1:")
    # The document's answer text as it is, paragraphs and steps included.
    [doc] = [d for d in load_documents() if d.title == PARTIAL]
    assert obj["answer"] == doc.answer and "\nStep 2:" in obj["answer"]


def test_json_decline_has_nulls(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--json", "what's the weather today"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj == {"answered": False, "title": None, "score": obj["score"], "answer": None}
    assert isinstance(obj["score"], float)


def test_stdin_mode_prints_one_object_per_line_in_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = ["hello", "partial refnd how", "", "barang tak sampai lagi, boleh refund tak"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))
    assert run(["--json", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["answered"] for r in rows] == [False, True, False, True]
    assert rows[1]["title"] == PARTIAL
    assert (
        rows[3]["title"] == "What happens if I have not received my order? Can I ask for a refund?"
    )


def test_human_answer_shows_title_and_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["how do I get a partial refund"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(PARTIAL)
    assert "modify the refund amount" in out


def test_human_decline_points_to_support(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["how do I become a seller"]) == 0
    out = capsys.readouterr().out
    assert "don't have a confident answer" in out
    assert "Support" in out


def test_human_middling_answer_offers_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["refund"]) == 0
    out = capsys.readouterr().out
    assert "Did you mean:" in out


def test_threshold_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_FAQ_MIN_SCORE", "0.99")
    assert run(["--json", "refund"]) == 0
    assert json.loads(capsys.readouterr().out)["answered"] is False


def test_operator_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "override.md").write_text(
        f"---\nid: partial-refund\ntitle: {PARTIAL}\n---\nAsk the seller first.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("KCHAT_FAQ_DIR", str(tmp_path))
    assert run(["--json", "partial refund"]) == 0
    assert json.loads(capsys.readouterr().out)["answer"] == "Ask the seller first."


def test_document_error_exits_2_with_one_stderr_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.md").write_text("no header here\n", encoding="utf-8")
    monkeypatch.setenv("KCHAT_FAQ_DIR", str(tmp_path))
    assert run(["--json", "refund"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "bad.md" in captured.err


def test_bad_threshold_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCHAT_FAQ_MIN_SCORE", "high")
    assert run(["refund"]) == 2
    assert "KCHAT_FAQ_MIN_SCORE" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["-0.1", "1.5", "nan"])
def test_threshold_outside_0_1_is_rejected(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("KCHAT_FAQ_MIN_SCORE", value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_settings_default_to_shipped_documents_and_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KCHAT_FAQ_DIR", raising=False)
    monkeypatch.delenv("KCHAT_FAQ_MIN_SCORE", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.faq_dir is None and settings.faq_min_score is None


@pytest.mark.parametrize(
    "value", ["www.kaleoz.com/guide", "ftp://kaleoz.com/{slug}", "https://kaleoz.com/{title}"]
)
def test_help_center_url_must_be_a_web_address_taking_only_slug(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KCHAT_HELP_CENTER_URL", value)
    with pytest.raises(ValidationError, match="help center URL"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_help_center_url_defaults_to_the_kaleoz_guide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KCHAT_HELP_CENTER_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.help_center_url == "https://www.kaleoz.com/guide/article/{slug}"
