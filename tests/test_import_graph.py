"""The import graph of sepbots: no cycle between its modules, and only the command line imports ``sepbots.cli``."""

from __future__ import annotations

import graphlib

import grimp
import pytest

# ``python -m sepbots`` starts the command line; nothing else outside ``sepbots.cli`` may import it.
CLI_ENTRY_POINTS = {"sepbots.__main__"}


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
