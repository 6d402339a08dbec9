"""Read and write the catalogue: ``config/catalogue/*.yaml``, one process or a ``processes:`` list per file.

Every error names the file, the entry and the field. Writes are atomic (temp file in the same
folder + ``os.replace``) and keep the file's comments: ``set_phase`` edits the one scalar in place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sepbots.catalogue.errors import CatalogueError, PhaseGateError
from sepbots.catalogue.legal import checklist_label
from sepbots.catalogue.models import Phase, Process
from sepbots.i18n.validation import validation_problems

_FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_FastSafeLoader):  # type: ignore[misc,valid-type]  # the base class is chosen at import (libyaml's when present)
    """A safe loader (libyaml when present) that refuses duplicate mapping keys (PyYAML keeps the last)."""


class _PositionLoader(yaml.SafeLoader):
    """The pure-Python safe loader: its nodes carry character offsets for in-place edits."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class Catalogue:
    """All processes of a catalogue folder, by key, with the file each came from."""

    directory: Path
    processes: dict[str, Process] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    def get(self, key: str) -> Process:
        """The process ``key``.

        Raises:
            CatalogueError: when no process has that key.
        """
        try:
            return self.processes[key]
        except KeyError:
            raise CatalogueError("ingen proces med denne nøgle / no process with this key", file=self.directory, entry=key) from None

    def __iter__(self) -> Iterator[Process]:
        return iter(self.processes.values())

    def __len__(self) -> int:
        return len(self.processes)


def parse_process(data: Any, *, file: Path, entry: str) -> Process:
    """Validate one entry.

    Raises:
        CatalogueError: naming file, entry and the first bad field (all problems in the message).
    """
    if not isinstance(data, dict):
        raise CatalogueError("en proces skal være en samling felter / a process must be a mapping of fields", file=file, entry=entry)
    try:
        return Process.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        details = "; ".join(f"{p.field or '(entry)'}: {p.reason}" for p in problems)
        raise CatalogueError(
            f"ugyldig proces / invalid process: {details}", file=file, entry=entry, field=problems[0].field or "(entry)"
        ) from None


def _entries(doc: Any, file: Path) -> list[tuple[str, Any]]:
    if isinstance(doc, dict) and "processes" in doc:
        if set(doc) != {"processes"} or not isinstance(doc["processes"], list):
            raise CatalogueError(
                "en fil med 'processes:' må kun indeholde den liste / "
                "a file with 'processes:' must hold only that list", file=file, field="processes"
            )
        items = doc["processes"]
    elif isinstance(doc, dict):
        items = [doc]
    else:
        raise CatalogueError("filen skal indeholde én proces eller en 'processes:'-liste / "
                             "the file must hold one process or a 'processes:' list", file=file)
    out = []
    for i, item in enumerate(items, start=1):
        key = item.get("key") if isinstance(item, dict) else None
        out.append((str(key) if key else f"#{i}", item))
    return out


def read_yaml(file: Path) -> Any:
    """Parse one YAML file, refusing duplicate keys.

    Raises:
        CatalogueError: with the line and column of the syntax problem.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"filen kan ikke læses / cannot read the file: {exc}", file=file) from None
    return _parse_text(text, file)


def _parse_text(text: str, file: Path) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje/line {mark.line + 1}, kolonne/column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError(f"ikke gyldig YAML / not valid YAML{where}: {problem}", file=file) from None


def load_file(file: Path) -> list[Process]:
    """All processes in one YAML file."""
    return [parse_process(data, file=file, entry=entry) for entry, data in _entries(read_yaml(file), file)]


def catalogue_files(directory: Path) -> list[Path]:
    """The catalogue's YAML files, sorted."""
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_catalogue(directory: Path | str) -> Catalogue:
    """Load and validate every process under ``directory``.

    Raises:
        CatalogueError: on the first invalid file or entry, or a key defined twice.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CatalogueError("katalogmappen findes ikke / catalogue folder not found", file=directory)
    cat = Catalogue(directory=directory)
    for file in catalogue_files(directory):
        for process in load_file(file):
            if process.key in cat.processes:
                raise CatalogueError(
                    f"nøglen er allerede defineret / key already defined in {cat.files[process.key]}",
                    file=file,
                    entry=process.key,
                    field="key",
                )
            cat.processes[process.key] = process
            cat.files[process.key] = file
    return cat


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _entry_node(root: yaml.Node, key: str) -> yaml.MappingNode | None:
    candidates: list[yaml.Node] = [root]
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == "processes" and isinstance(v, yaml.SequenceNode):
                candidates = list(v.value)
    for node in candidates:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == "key" and isinstance(v, yaml.ScalarNode) and v.value == key:
                    return node
    return None


def _replace_phase(text: str, file: Path, key: str, phase: Phase) -> str:
    root = yaml.compose(text, Loader=_PositionLoader)  # noqa: S506
    node = _entry_node(root, key) if root is not None else None
    if node is None:
        raise CatalogueError("processen findes ikke i sin fil / process not found in its file", file=file, entry=key)
    key_pair = None
    for k, v in node.value:
        if k.value == "phase":
            return text[: v.start_mark.index] + phase.value + text[v.end_mark.index :]
        if k.value == "key":
            key_pair = (k, v)
    assert key_pair is not None
    k, v = key_pair
    if node.flow_style:
        return text[: v.end_mark.index] + f", phase: {phase.value}" + text[v.end_mark.index :]
    indent = " " * k.start_mark.column
    return text[: v.end_mark.index] + f"\n{indent}phase: {phase.value}" + text[v.end_mark.index :]


def set_phase(catalogue: Catalogue, key: str, phase: Phase, *, lang: str = "da") -> Process:
    """Move process ``key`` to ``phase`` and rewrite its YAML file atomically (comments kept).

    Entering *Drift* needs a complete legal checklist.

    Raises:
        PhaseGateError: when the target is *Drift* and checklist points are missing.
        CatalogueError: unknown key, or the rewritten file would not validate.
    """
    process = catalogue.get(key)
    file = catalogue.files[key]
    if phase is Phase.OPERATION:
        missing = process.legal.missing()
        if missing:
            points = "; ".join(checklist_label(m, lang) for m in missing)
            msg = (
                f"kan ikke sættes i drift, tjeklisten mangler: {points}"
                if lang == "da"
                else f"cannot enter operation, the legal checklist lacks: {points}"
            )
            raise PhaseGateError(msg, file=file, entry=key, field=f"legal.{missing[0]}")
    text = file.read_text(encoding="utf-8")
    new_text = _replace_phase(text, file, key, phase)
    updated = {
        p.key: p
        for p in (
            parse_process(d, file=file, entry=e) for e, d in _entries(_parse_text(new_text, file), file)
        )
    }
    if updated.get(key) is None or updated[key].phase is not phase:
        raise CatalogueError("fasen kunne ikke skrives om i filen / "
                             "the phase could not be rewritten in place", file=file, entry=key, field="phase")
    write_atomic(file, new_text)
    catalogue.processes[key] = updated[key]
    return updated[key]
