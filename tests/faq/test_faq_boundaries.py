"""The FAQ domain stays pure: standard library, pydantic and other pure domain modules."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import bot.domain.faq
import bot.domain.faq_cues
import bot.domain.faq_needs
import bot.domain.faq_situation

ALLOWED = {"pydantic", "__future__"}


@pytest.mark.parametrize(
    "module", [bot.domain.faq, bot.domain.faq_cues, bot.domain.faq_needs, bot.domain.faq_situation]
)
def test_faq_domain_imports_only_stdlib_and_pydantic(module: object) -> None:
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        # Other pure domain modules (the order model, the situation) are fine.
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and not (node.module == "bot.domain" or node.module.startswith("bot.domain."))
        ):
            modules.add(node.module.split(".")[0])
    assert modules - ALLOWED <= set(sys.stdlib_module_names)
    assert not modules & {"os", "io", "pathlib", "time", "datetime", "logging"}
