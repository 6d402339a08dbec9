"""Benchmark: instructions (valgrind callgrind) of the bank reconciliation's phases on a small sample.

Instruction counts do not depend on what else the machine is doing, so they show a change of a
few per cent that wall or CPU seconds on a shared machine cannot. Each step runs in a fresh
process under ``valgrind --tool=callgrind`` with ``PYTHONHASHSEED=0``; a phase's figure is its
step minus the step before it:

- ``imports``: the reconciliation modules imported;
- ``read``: + ``read_bank`` of the statement (camt.054 by default);
- ``match``: + ``read_ledger`` and ``reconcile``;
- ``write``: + ``write_reconciliation``.

    PYTHONPATH=. python bench/bench_bank_instructions.py [--lines 10000] [--bank-format camt054] [--work DIR]

Needs ``valgrind`` (Debian package ``valgrind``); ~1 – 2 minutes per 10,000 lines.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("imports", "read", "match", "write")
NAMES = {"camt054": "kontoudtog.camt054.xml", "camt": "kontoudtog.camt053.xml", "mt940": "kontoudtog.sta",
         "nordea": "kontoudtog-nordea.csv", "xlsx": "kontoudtog.xlsx", "csv": "kontoudtog.csv"}


def _step(step: str, work: Path, bank: Path) -> None:
    """Run the reconciliation up to ``step`` (inside valgrind)."""
    from sepbots.reconcile import read_bank, read_ledger, reconcile, write_reconciliation

    if step == "imports":
        return
    _, lines = read_bank(bank)
    if step == "read":
        return
    result = reconcile(lines, read_ledger(work / "bogforing.xlsx"))
    if step == "write":
        write_reconciliation(work / "instructions.xlsx", result)


def _instructions(step: str, work: Path, bank: Path) -> int:
    out = work / f"callgrind.{step}.out"
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__, "--step", step,
         "--work", str(work), "--bank", str(bank)],
        env=env, capture_output=True, text=True, check=True,
    )
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--bank-format", choices=sorted(NAMES), default="camt054")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--step", choices=STEPS, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--bank", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step, args.work, args.bank)
        return
    work = args.work or Path(tempfile.gettempdir()) / f"sepbots-bench-instructions-{args.lines}"
    work.mkdir(parents=True, exist_ok=True)
    bank = work / NAMES[args.bank_format]
    if not bank.exists() or not (work / "bogforing.xlsx").exists():
        sys.path.insert(0, str(ROOT))
        from bots.bankafstemning.sample import generate, write_sample

        write_sample(generate(args.lines, seed=7), work, formats=(args.bank_format,))
    counts = {step: _instructions(step, work, bank) for step in STEPS}
    print(f"{args.lines} lines, {args.bank_format}, instructions (millions):")
    previous = None
    for step in STEPS:
        phase = counts[step] - (counts[previous] if previous else 0)
        print(f"  {step:8} {phase / 1e6:12,.1f}")
        previous = step


if __name__ == "__main__":
    main()
