"""The public API bots are written against, and the rule that bots import nothing else."""

import ast
from pathlib import Path

import sepbots


def test_all_lists_exactly_the_public_names() -> None:
    """Every name in __all__ exists, and every public attribute that is not a submodule is in __all__."""
    import types

    public = {n for n in dir(sepbots) if not n.startswith("_") and not isinstance(getattr(sepbots, n), types.ModuleType)}
    assert set(sepbots.__all__) - {"__version__"} == public
    assert sorted(sepbots.__all__) == sepbots.__all__


# The toolkits a bot may import (documented in docs/recipe-api.md, "What a bot imports").
BOT_TOOLKITS = frozenset(
    {
        "sepbots",
        "sepbots.sheets",
        "sepbots.dk",
        "sepbots.browser",
        "sepbots.desktop",
        "sepbots.testing",
        "sepbots.connectors",
        "sepbots.letters",
        "sepbots.reconcile",
        "sepbots.clock",
        "sepbots.practice",
        "sepbots.demo",
        "sepbots.i18n",
    }
)
# Toolkits whose modules are the documented entry points (one module per connector or practice system).
BOT_TOOLKIT_PACKAGES = ("sepbots.connectors.", "sepbots.practice.")
# Libraries the toolkits wrap: bots go through sepbots.sheets, .browser and .desktop instead.
WRAPPED_LIBRARIES = frozenset({"openpyxl", "xlsxwriter", "python_calamine", "playwright", "pyautogui"})


def _allowed(module: str) -> bool:
    if module == "sepbots" or module.startswith("sepbots."):
        return module in BOT_TOOLKITS or module.startswith(BOT_TOOLKIT_PACKAGES)
    return module.split(".")[0] not in WRAPPED_LIBRARIES


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module == "sepbots":  # `from sepbots import sheets` imports the module sepbots.sheets
                found += [(node.lineno, f"sepbots.{a.name}") for a in node.names if a.name not in sepbots.__all__]
    return found


def test_bots_import_only_sepbots_and_its_documented_toolkits() -> None:
    """Every file under bots/ imports sepbots' public API and documented toolkits only, and no wrapped library."""
    bots = Path(__file__).resolve().parents[1] / "bots"
    files = sorted(bots.rglob("*.py"))
    assert len(files) > 20  # the reference bots are there
    wrong = [
        f"{path.relative_to(bots.parent)}:{line}: {module}"
        for path in files
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if not _allowed(module)
    ]
    assert wrong == []


def test_the_import_rule_catches_internal_modules_and_wrapped_libraries() -> None:
    """The rule refuses framework internals and the libraries the toolkits wrap, in every import form."""
    source = (
        "import sepbots.runtime\nfrom sepbots.store import engine\nfrom sepbots import workitems\n"
        "from openpyxl import Workbook\nimport playwright.sync_api\n"
        "from sepbots import bot, BotContext\nfrom sepbots.sheets import read_columns\nimport json\n"
        "from sepbots.connectors.cvr import CvrClient\n"
    )
    refused = [module for _, module in _imports(ast.parse(source)) if not _allowed(module)]
    assert refused == ["sepbots.runtime", "sepbots.store", "sepbots.workitems", "openpyxl", "playwright.sync_api"]


def test_every_module_exports_only_names_it_has() -> None:
    """Every ``__all__`` in sepbots names something its module really has (a moved function keeps its re-export)."""
    import importlib
    import pkgutil

    missing = []
    for info in pkgutil.walk_packages(sepbots.__path__, "sepbots."):
        if info.name == "sepbots.__main__" or info.name.startswith("sepbots.store.migrations"):
            continue
        module = importlib.import_module(info.name)
        missing += [f"{info.name}.{name}" for name in getattr(module, "__all__", []) if not hasattr(module, name)]
    assert missing == []
