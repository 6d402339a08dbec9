"""Share a catalogue between municipalities: export to a JSON bundle, import with a conflict report.

A bundle holds, per process: the process description, its screening, its estimated business case,
its legal *status* and aggregated measured results. It never holds item data or personal data:
``legal.reviewed_by`` and ``legal.robot_identity`` are left out, and measured results are period
totals only.

Import merges by process key. Another municipality's *figures* (volume, minutes, automation share,
costs, assessment, volume driver, sources) are comparison data, not a conflict: they are kept in
``<catalogue>/benchmarks/`` (``sepbots.catalogue.benchmark``) and ours stay as they are. A key that
exists locally with different *descriptive* fields (name, description, KLE, legal basis, steps …) is
a conflict; without ``prefer`` the import stops with the conflict report and writes nothing. Local
fields (phase, legal checklist, retention, linked bots, owner and contact) are never taken from another municipality:
the importing municipality is the controller and must clear its own checklist, so a new process
arrives in phase *Idé* with a blank checklist, and the origin is kept in ``provenance``.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from sepbots.catalogue.benchmark import from_bundle as benchmark_from_bundle
from sepbots.catalogue.benchmark import save as save_benchmark
from sepbots.catalogue.business_case import estimate
from sepbots.catalogue.errors import BundleError, CatalogueError
from sepbots.catalogue.legal import LegalChecklist
from sepbots.catalogue.loader import Catalogue, load_file, parse_process, write_atomic
from sepbots.catalogue.models import Phase, Process, Provenance
from sepbots.catalogue.screening import screen_all
from sepbots.catalogue.serialize import plain, processes_yaml
from sepbots.catalogue.settings import GainsSettings
from sepbots.clock import Clock
from sepbots.config import MunicipalitySettings

FORMAT = "sepbots-catalogue-bundle"
FORMAT_VERSION = 1
LOCAL_FIELDS = frozenset(
    {
        "phase", "legal", "retention", "bots", "provenance", "owner", "contact", "os2autoproces_id",
        "put_into_operation", "technologies", "code_repository_url", "legal_clause_last_verified",
    }
)
FIGURE_FIELDS = frozenset(
    {
        "occurrences_per_year", "minutes_per_occurrence", "employees", "automation_share", "development_hours",
        "costs", "manual_handling_minutes", "assessment", "volume", "sources", "rating", "prior_experience",
    }
)
PRIVATE_LEGAL_FIELDS = frozenset({"reviewed_by", "robot_identity"})


class MeasuredSummary(BaseModel):
    """Aggregated measured results of one process over a period (no item data)."""

    model_config = ConfigDict(extra="forbid")

    period_from: str
    period_to: str
    items_automated: int
    items_manual: int
    items_failed: int
    saved_hours: float
    realised_automation_share: float
    annualised_saved_hours: float


class Prefer(enum.StrEnum):
    """How to settle a conflict."""

    OURS = "ours"
    THEIRS = "theirs"


class Conflict(BaseModel):
    """A key present on both sides with different shared fields."""

    key: str
    fields: list[str]


class ImportReport(BaseModel):
    """What an import did (or would do)."""

    organisation: str
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    kept_ours: list[str] = []
    conflicts: list[Conflict] = []
    benchmarked: list[str] = []

    def summary(self, lang: str = "da") -> str:
        """One paragraph for the operator."""
        if lang == "da":
            lines = [
                f"Import fra {self.organisation}: {len(self.added)} nye, {len(self.updated)} opdateret, "
                f"{len(self.unchanged)} uændrede, {len(self.kept_ours)} beholdt vores; "
                f"tal for {len(self.benchmarked)} processer gemt til sammenligning."
            ]
            lines += [f"Konflikt: {c.key} ({', '.join(c.fields)})" for c in self.conflicts]
        else:
            lines = [
                f"Import from {self.organisation}: {len(self.added)} added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.kept_ours)} kept ours; "
                f"figures of {len(self.benchmarked)} processes kept for comparison."
            ]
            lines += [f"Conflict: {c.key} ({', '.join(c.fields)})" for c in self.conflicts]
        return "\n".join(lines)


def _shared(process: Process) -> dict[str, Any]:
    data: dict[str, Any] = plain(process.model_dump(mode="python", exclude=set(LOCAL_FIELDS | FIGURE_FIELDS)))
    return data


def export_bundle(
    catalogue: Catalogue,
    path: Path,
    *,
    organisation: str,
    settings: GainsSettings,
    clock: Clock,
    measured: dict[str, list[MeasuredSummary]] | None = None,
    municipality: MunicipalitySettings | None = None,
) -> int:
    """Write the whole catalogue to a bundle file atomically; returns the number of processes.

    ``municipality`` (name, inhabitants) lets the receiver normalise the figures per 1,000 inhabitants.
    """
    screenings = {s.process_key: s for s in screen_all(catalogue, settings)}
    entries = []
    for process in catalogue:
        data = plain(process.model_dump(mode="python", exclude={"legal"}))
        legal = process.legal.model_dump(mode="python", exclude=set(PRIVATE_LEGAL_FIELDS))
        entries.append(
            {
                "process": data,
                "legal_status": {
                    "complete": process.legal.complete,
                    "missing": process.legal.missing(),
                    "checklist": plain(legal),
                },
                "screening": plain(screenings[process.key].model_dump(mode="python")),
                "business_case": plain(estimate(process, settings).model_dump(mode="python")),
                "measured": [m.model_dump() for m in (measured or {}).get(process.key, [])],
            }
        )
    bundle = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organisation": organisation,
        "exported_at": clock.now().isoformat(),
        "processes": entries,
    }
    if municipality is not None:
        bundle["municipality"] = municipality.model_dump(mode="json")
    write_atomic(path, json.dumps(bundle, ensure_ascii=False, indent=2) + "\n")
    return len(entries)


def read_bundle(path: Path) -> tuple[dict[str, Any], list[Process]]:
    """Read and validate a bundle.

    Raises:
        BundleError: unreadable, not a bundle, newer format, or an invalid process (file, entry, field).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"pakken kan ikke læses / cannot read the bundle: {exc}", file=path) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError(
            f"ikke en sepbots-katalogpakke / not a sepbots catalogue bundle (format: {FORMAT!r})", file=path, field="format"
        )
    version = data.get("format_version")
    if not isinstance(version, int):
        raise BundleError("format_version mangler eller er ikke et tal / "
                          "format_version missing or not a number", file=path, field="format_version")
    if version > FORMAT_VERSION:
        raise BundleError(
            f"pakkens formatversion {version} er nyere end den, denne sepbots kan læse ({FORMAT_VERSION}); opgrader sepbots / "
            f"bundle format version {version} is newer than this sepbots reads ({FORMAT_VERSION}); upgrade sepbots",
            file=path,
            field="format_version",
        )
    for name in ("organisation", "exported_at"):
        if not isinstance(data.get(name), str):
            raise BundleError(f"{name} mangler / {name} missing", file=path, field=name)
    entries = data.get("processes")
    if not isinstance(entries, list):
        raise BundleError("processes mangler / processes missing", file=path, field="processes")
    processes = []
    for i, entry in enumerate(entries, start=1):
        raw = entry.get("process") if isinstance(entry, dict) else None
        key = raw.get("key") if isinstance(raw, dict) else None
        try:
            processes.append(parse_process(raw, file=path, entry=str(key or f"#{i}")))
        except CatalogueError as exc:
            raise BundleError(
                f"intet importeret / nothing imported: {exc.message}", file=path, entry=exc.entry, field=exc.field
            ) from None
    keys = [p.key for p in processes]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise BundleError(f"nøgler står to gange i pakken / keys appear twice in the bundle: {', '.join(dupes)}", file=path, field="key")
    return data, processes


def _legal_complete(entry: dict[str, Any]) -> bool | None:
    status = entry.get("legal_status")
    return bool(status.get("complete")) if isinstance(status, dict) else None


def import_bundle(
    catalogue: Catalogue,
    path: Path,
    *,
    clock: Clock,
    prefer: Prefer | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Merge a bundle into the catalogue folder, all files or none.

    Raises:
        BundleError: bad bundle, or conflicts when ``prefer`` is not given (the report is in the message).
    """
    data, theirs = read_bundle(path)
    entries = {e["process"]["key"]: e for e in data["processes"]}
    report = ImportReport(organisation=data["organisation"])
    changes: dict[Path, dict[str, Process]] = {}
    now = clock.now().isoformat()
    for incoming in theirs:
        prov = Provenance(
            organisation=data["organisation"],
            exported_at=data["exported_at"],
            imported_at=now,
            format_version=data["format_version"],
            original_phase=incoming.phase,
            original_legal_complete=_legal_complete(entries[incoming.key]),
        )
        local = catalogue.processes.get(incoming.key)
        if local is None:
            new = incoming.model_copy(
                update={
                    "phase": Phase.IDEA,
                    "legal": LegalChecklist(),
                    "bots": [],
                    "owner": None,
                    "contact": None,
                    "os2autoproces_id": None,
                    "put_into_operation": None,
                    "legal_clause_last_verified": None,
                    "provenance": [*incoming.provenance, prov],
                }
            )
            target = catalogue.directory / f"{incoming.key}.yaml"
            if target.exists():
                raise BundleError(
                    "der findes allerede en fil med den nye proces' navn / "
                    "a file with the new process's name already exists", file=target, entry=incoming.key
                )
            changes.setdefault(target, {})[incoming.key] = new
            report.added.append(incoming.key)
            continue
        mine, other = _shared(local), _shared(incoming)
        if mine == other:
            report.unchanged.append(incoming.key)
            continue
        fields = sorted(k for k in set(mine) | set(other) if mine.get(k) != other.get(k))
        report.conflicts.append(Conflict(key=incoming.key, fields=fields))
        if prefer is Prefer.OURS:
            report.kept_ours.append(incoming.key)
        elif prefer is Prefer.THEIRS:
            updated = incoming.model_copy(
                update={f: getattr(local, f) for f in LOCAL_FIELDS | FIGURE_FIELDS if f != "provenance"}
                | {"provenance": [*local.provenance, prov]}
            )
            changes.setdefault(catalogue.files[local.key], {})[local.key] = updated
            report.updated.append(incoming.key)
    if report.conflicts and prefer is None:
        raise BundleError(
            "importen er stoppet, intet er skrevet; afgør konflikterne med --prefer ours|theirs / "
            "import stopped, nothing written; settle the conflicts with --prefer ours|theirs:\n"
            + report.summary("da") + "\n" + report.summary("en"),
            file=path,
            entry=report.conflicts[0].key,
        )
    report.benchmarked = sorted(k for k in entries if k in catalogue.processes or k in report.added)
    if not dry_run:
        _write_changes(catalogue, changes)
        save_benchmark(catalogue.directory, benchmark_from_bundle(data))
    return report


def _write_changes(catalogue: Catalogue, changes: dict[Path, dict[str, Process]]) -> None:
    texts: dict[Path, str] = {}
    for file, replaced in changes.items():
        if file.exists():
            current = load_file(file)
            merged = [replaced.get(p.key, p) for p in current]
        else:
            merged = list(replaced.values())
        text = processes_yaml(merged, "# Importeret/opdateret af sepbots catalogue import.\n")
        doc = yaml.safe_load(text)
        for d in doc.get("processes", [doc]):
            parse_process(d, file=file, entry=d["key"])  # what we write must load again
        texts[file] = text
    for file, text in texts.items():
        write_atomic(file, text)
    for file, replaced in changes.items():
        for key, process in replaced.items():
            catalogue.processes[key] = process
            catalogue.files[key] = file
