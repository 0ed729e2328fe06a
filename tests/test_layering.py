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


# Each package, and what it may never import. No exceptions: a violation fails.
RULES = [
    (
        "bot/domain",
        r"^(telegram|aiosqlite|sqlite3|store|handlers|scheduler|sandbox|bot\.(?!domain\b))",
    ),
    (
        "bot/ports",
        r"^(telegram|aiosqlite|sqlite3|store|handlers|scheduler|bot\.(?!domain\b|ports\b))",
    ),
    (
        "bot/services",
        r"^(telegram|aiosqlite|sqlite3|store|handlers|scheduler|bot\.(bootstrap|app|cli)\b)",
    ),
    ("store", r"^(telegram|handlers|scheduler|bot\.(services|bootstrap|app|cli)\b)"),
    ("scheduler", r"^(telegram|aiosqlite|sqlite3|store|handlers|bot\.domain)\b"),
    # Handlers see services and their result types, never storage.
    ("handlers", r"^(aiosqlite|sqlite3|store)\b"),
    # Views are pure: domain values in, texts and buttons out.
    (
        "handlers/views",
        r"^(handlers\.(?!views\b)|bot\.(bootstrap|app|config)\b|bot\.ports\.storage)",
    ),
    # What goes out never depends on what comes in.
    ("handlers/delivery", r"^handlers\.(inbound|wiring|setup)\b"),
]


@pytest.mark.parametrize(("package", "pattern"), RULES)
def test_layers_do_not_reach_across(package: str, pattern: str) -> None:
    assert _violations(package, re.compile(pattern)) == []


# Only the composition root knows which storage backend implements the ports.
COMPOSITION_ROOT = {"bot/bootstrap.py", "bot/app.py"}


def test_only_the_composition_root_knows_the_store() -> None:
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _files("bot")
        if str(path.relative_to(ROOT)) not in COMPOSITION_ROOT
        for name in sorted(_imports(path))
        if re.match(r"^(store|aiosqlite|sqlite3)\b", name)
    ]
    assert bad == []


def test_entry_points_reach_storage_only_through_services() -> None:
    """The command line and the handlers call services; the open storage is theirs."""
    reach = re.compile(r"\.store\.(read|transaction|snapshot)\(|\bservices\(ctx\)\.store\b")
    bad = [
        str(path.relative_to(ROOT))
        for path in [*_files("handlers"), ROOT / "bot/cli.py", ROOT / "bot/faq_cli.py"]
        if reach.search(path.read_text(encoding="utf-8"))
        or re.search(r"\bs\.store\b", path.read_text(encoding="utf-8"))
    ]
    assert bad == []


def test_services_depend_on_ports_not_on_a_backend() -> None:
    """Every use case types its storage by the Protocols in bot.ports."""
    concrete = re.compile(r"\b(Store|Tx)\b")
    bad = [
        str(path.relative_to(ROOT))
        for path in _files("bot/services")
        if concrete.search(path.read_text(encoding="utf-8"))
    ]
    assert bad == []


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
