"""Benchmark the catalogue's consultant path: load + scale + screen, OS2autoproces push/pull, a .docx.

Run: ``.venv/bin/python bench/bench_catalogue_roundtrip.py [--repeat 5]``. Prints the median wall time
of each step over ``--repeat`` rounds against a practice OS2autoproces served on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx

from sepbots.catalogue.document import build_document
from sepbots.catalogue.document_render import DocumentFormat, write_document
from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.os2autoproces import Visibility
from sepbots.catalogue.os2client import Os2AutoprocesClient, pull, push
from sepbots.catalogue.scaling import scale_catalogue
from sepbots.catalogue.screening import screen_all
from sepbots.config import GainsSettings, MunicipalitySettings
from sepbots.practice.os2autoproces import PRACTICE_API_KEY, create_app
from sepbots.practice.server import serve_in_thread

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "config" / "catalogue"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_round(results: dict[str, list[float]], settings: GainsSettings, town: MunicipalitySettings) -> None:
    """Time each step once and append the seconds to ``results``."""
    results["load+scale+screen"].append(timed(lambda: screen_all(scale_catalogue(load_catalogue(CATALOGUE), town), settings)))
    url, stop = serve_in_thread(create_app())
    try:
        with httpx.Client(timeout=30) as http, tempfile.TemporaryDirectory() as tmp:
            client = Os2AutoprocesClient(url, PRACTICE_API_KEY, http)
            cat = load_catalogue(CATALOGUE)
            results["push (create)"].append(timed(lambda: push(cat, client, visibility=Visibility.MUNICIPALITY)))
            results["push (update)"].append(timed(lambda: push(cat, client, visibility=Visibility.MUNICIPALITY)))
            empty = Path(tmp) / "cat"
            empty.mkdir()
            results["pull"].append(timed(lambda: pull(load_catalogue(empty), client, today=date.today())))
            doc = build_document(cat.get("bankafstemning"), [], settings)
            results["docx"].append(timed(lambda: write_document(doc, Path(tmp) / "b.docx", DocumentFormat.DOCX)))
    finally:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings, town = GainsSettings(), MunicipalitySettings(name="Bench", inhabitants=45_000)
    names = ("load+scale+screen", "push (create)", "push (update)", "pull", "docx")
    results: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.repeat):
        one_round(results, settings, town)
    n = len(load_catalogue(CATALOGUE))
    print(f"{n} processes, {args.repeat} rounds, median seconds:")
    for name, values in results.items():
        print(f"  {name:<20} {statistics.median(values):.3f}")


if __name__ == "__main__":
    main()
