"""The import graph of sepbots: no cycle, layers import only downwards, toolkits stay below the
framework, and only the command line imports ``sepbots.cli`` (docs/architecture.md, "Import rules")."""

from __future__ import annotations

import graphlib

import grimp
import pytest

# ``python -m sepbots`` starts the command line; nothing else outside ``sepbots.cli`` may import it.
CLI_ENTRY_POINTS = {"sepbots.__main__"}


# The layers of docs/architecture.md, lowest first, by top-level module under ``sepbots``. A module
# may import its own layer, a lower one and the toolkits — never a higher layer, not even under
# ``TYPE_CHECKING`` or inside a function (grimp sees both). Every top-level module has a place here,
# so a new one cannot slip past the rule.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("shared leaves", frozenset({"config", "clock", "exceptions", "redaction", "logging", "i18n", "files", "_lazy"})),
    ("store + audit", frozenset({"store", "audit", "audit_seal", "audit_verify", "vault", "keys"})),
    ("ledgers + port", frozenset({"workitems", "unitcounts"})),
    ("runtime core", frozenset({"runtime", "recipes", "environment", "trigger", "installation"})),
    ("catalogue", frozenset({"catalogue"})),
    ("operations", frozenset({"worker", "scheduling", "fleet", "alerts", "retention", "lookups"})),
    ("gains + reports", frozenset({"gains", "gains_ledger", "reports", "budget"})),
    ("people's interfaces", frozenset({"dashboard", "cli", "demo", "__main__"})),
    ("test helpers", frozenset({"testing", "pytest_plugin"})),
)
# Toolkits for bot authors: they import the shared leaves, each other and (for credentials) the vault.
TOOLKITS = frozenset({"sheets", "dk", "browser", "desktop", "connectors", "letters", "reconcile", "practice",
                      "evidence_source"})
TOOLKIT_MAY_IMPORT = {"sepbots.vault"}
_RANK = {name: rank for rank, (_, names) in enumerate(LAYERS) for name in names}


def _top(module: str) -> str | None:
    return module.split(".")[1] if "." in module else None


def _in_cli(module: str) -> bool:
    return module == "sepbots.cli" or module.startswith("sepbots.cli.")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("sepbots", cache_dir=None)


def test_no_import_cycle_between_sepbots_modules(graph: grimp.ImportGraph) -> None:
    """Imports under ``if TYPE_CHECKING:`` and inside functions count too: a late import hides a cycle, it does not break it."""
    edges = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as exc:
        pytest.fail("import cycle: " + " → ".join(reversed(exc.args[1])))


def test_only_the_command_line_imports_sepbots_cli(graph: grimp.ImportGraph) -> None:
    offenders = sorted(
        f"{module} imports {imported}"
        for module in graph.modules
        if not _in_cli(module) and module not in CLI_ENTRY_POINTS
        for imported in graph.find_modules_directly_imported_by(module)
        if _in_cli(imported)
    )
    assert offenders == []


def test_every_top_level_module_has_a_layer_or_is_a_toolkit(graph: grimp.ImportGraph) -> None:
    """A new top-level module must be placed in LAYERS or TOOLKITS (and docs/architecture.md)."""
    tops = {top for module in graph.modules if (top := _top(module)) is not None}
    assert sorted(tops - set(_RANK) - TOOLKITS) == []


def test_layers_import_only_downwards(graph: grimp.ImportGraph) -> None:
    """E.g. the runtime takes fleet slots from ``store.slots``, ``unitcounts`` types against a Protocol
    instead of ``Environment``, and ``logging`` writes through the ``files`` leaf, not ``store``."""
    offenders = sorted(
        f"{module} ({LAYERS[_RANK[low]][0]}) imports {imported} ({LAYERS[_RANK[high]][0]})"
        for module in graph.modules
        if (low := _top(module) or "") in _RANK
        for imported in graph.find_modules_directly_imported_by(module)
        if (high := _top(imported) or "") in _RANK and _RANK[high] > _RANK[low]
    )
    assert offenders == []


def test_toolkits_import_no_framework_layer(graph: grimp.ImportGraph) -> None:
    """Toolkits stand on the shared leaves only (and the vault), so a bot author's import stays light."""
    offenders = sorted(
        f"{module} imports {imported}"
        for module in graph.modules
        if _top(module) in TOOLKITS
        for imported in graph.find_modules_directly_imported_by(module)
        if _RANK.get(_top(imported) or "", 0) > 0 and imported not in TOOLKIT_MAY_IMPORT
    )
    assert offenders == []
