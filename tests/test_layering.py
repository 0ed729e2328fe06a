"""The architecture's rules, checked on the imports themselves (DESIGN.md §2)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _violations(package: str, forbidden: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _files(package)
        for name in sorted(_imports(path))
        if forbidden.match(name)
    ]


def test_the_domain_imports_only_the_standard_library_pydantic_and_itself() -> None:
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _files("bot/domain")
        for name in sorted(_imports(path))
        if name.split(".")[0] not in STDLIB | {"pydantic", "__future__"}
        and not name.startswith("bot.domain")
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("package", "pattern"),
    [
        ("bot/domain", r"^(telegram|aiosqlite|sqlite3|store|handlers|scheduler|bot\.services)\b"),
        ("bot/services", r"^(telegram|handlers|scheduler)\b"),
        ("store", r"^(telegram|handlers|scheduler|bot\.services)\b"),
        ("scheduler", r"^(telegram|aiosqlite|sqlite3|store|handlers|bot\.domain)\b"),
        ("handlers", r"^(aiosqlite|sqlite3|store\.(sqlite_store|connection|chat_store))\b"),
    ],
)
def test_layers_do_not_reach_across(package: str, pattern: str) -> None:
    assert _violations(package, re.compile(pattern)) == []


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    wall = re.compile(r"datetime\.(now|utcnow|today)\(|\btime\.time\(\)|date\.today\(\)")
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("bot", "handlers", "store", "scheduler")
        for path in _files(package)
        if path.name != "clock.py"
        and "fake_bot_api" not in path.parts
        and wall.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


PRODUCT = ("bot", "handlers", "store", "scheduler")


def test_nothing_in_the_product_imports_the_sandbox_or_the_fake_telegram() -> None:
    bad = [v for package in PRODUCT for v in _violations(package, re.compile(r"^sandbox\b"))]
    assert bad == []


def test_the_fake_telegram_imports_nothing_of_the_product() -> None:
    product = re.compile(rf"^({'|'.join(PRODUCT)}|sandbox\.(?!fake_bot_api))\b")
    assert _violations("sandbox/fake_bot_api", product) == []


def test_the_installed_package_holds_the_product_only() -> None:
    import tomllib

    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = find_packages(where=str(ROOT), include=include)
    assert shipped and all(p.split(".")[0] in PRODUCT for p in shipped)
    assert not [p for p in shipped if "sandbox" in p or "fake" in p]
