"""The FAQ domain stays pure: standard library and pydantic only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import bot.domain.faq

ALLOWED = {"pydantic", "__future__"}


def test_faq_domain_imports_only_stdlib_and_pydantic() -> None:
    source = Path(bot.domain.faq.__file__).read_text(encoding="utf-8")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules - ALLOWED <= set(sys.stdlib_module_names)
    assert not modules & {"os", "io", "pathlib", "time", "datetime", "logging"}
